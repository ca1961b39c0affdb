"""The sites settings: Django settings first, then the environment, then defaults."""

from __future__ import annotations

from django.conf import settings

from safekeep.config import env_int

DEFAULTS: dict[str, int] = {
    # A door code a leaver held must change within this many working days of their leaving.
    "SAFEKEEP_DOOR_CODE_ROTATION_WORKING_DAYS": 2,
    # A paper file is checked out for this many days unless the person says otherwise.
    "SAFEKEEP_PAPER_FILE_DAYS": 7,
}


def setting(name: str) -> int:
    value = getattr(settings, name, None)
    if value is not None:
        return int(value)
    return env_int(name, DEFAULTS[name])
