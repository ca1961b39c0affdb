"""The `--as-of DATE` argument the reporting commands share."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError
from django.utils import timezone


def as_of_day(value: str | None) -> dt.date:
    """The day given (YYYY-MM-DD), or today in the council's time zone when none is."""
    if not value:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of {value!r} is not a real date in the form YYYY-MM-DD") from None
