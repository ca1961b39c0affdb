"""Times as pages show them: in the council's time zone, in GOV.UK's style."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from safekeep.access.wording import minutes

register = template.Library()


@register.filter
def local_time(value: dt.datetime | None) -> str:
    """ "2 July 2026 at 12:30am" for 23:30 UTC on 1 July: never a bare UTC offset."""
    if value is None:
        return ""
    return minutes(timezone.localtime(value))
