"""The door's setting: how many refusals in a short while before a person is slowed down."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from safekeep.config import env_int

REFUSAL_WINDOW = dt.timedelta(minutes=10)


def refusals_before_slowing() -> int:
    """Refused case requests one person may have in `REFUSAL_WINDOW` before the door answers
    429 instead (`SAFEKEEP_REFUSALS_BEFORE_SLOWING`, default 30): someone scanning case ids
    learns nothing more, and information governance is told."""
    value = getattr(settings, "SAFEKEEP_REFUSALS_BEFORE_SLOWING", None)
    if value is not None:
        return int(value)
    return env_int("SAFEKEEP_REFUSALS_BEFORE_SLOWING", 30)
