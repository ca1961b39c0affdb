"""Device settings an operator may change.

`SAFEKEEP_OS_MINIMUMS` (environment), e.g. ``windows=11,android=14,ios=17``, overrides the
minimum supported operating-system release per platform; the defaults are in
`devices.vocabulary.DEFAULT_OS_MINIMUMS`. Tests may set ``settings.SAFEKEEP_OS_MINIMUMS``.
"""

from __future__ import annotations

import os

from django.conf import settings

from safekeep.config import ConfigurationError
from safekeep.devices.vocabulary import DEFAULT_OS_MINIMUMS, platform_key

ENROLMENT_CODE_HOURS = 24
DEVICE_COOKIE = "safekeep_device"
DEVICE_HEADER = "X-Safekeep-Device"
DEVICE_COOKIE_MAX_AGE = 400 * 24 * 3600  # browsers cap cookie lifetimes at 400 days
LAST_SEEN_EVERY_SECONDS = 300


def parse_os_minimums(raw: str) -> dict[str, str]:
    """ "windows=11, android=14" -> {"windows": "11", "android": "14"}."""
    result: dict[str, str] = {}
    for part in raw.split(","):
        if not part.strip():
            continue
        name, sep, version = part.partition("=")
        if not sep or not name.strip() or not version.strip():
            raise ConfigurationError(
                f"SAFEKEEP_OS_MINIMUMS entries look like windows=11, not {part.strip()!r}"
            )
        result[platform_key(name)] = version.strip()
    return result


def os_minimums() -> dict[str, str]:
    minimums = dict(DEFAULT_OS_MINIMUMS)
    minimums.update(parse_os_minimums(os.environ.get("SAFEKEEP_OS_MINIMUMS", "")))
    minimums.update(getattr(settings, "SAFEKEEP_OS_MINIMUMS", {}))
    return minimums
