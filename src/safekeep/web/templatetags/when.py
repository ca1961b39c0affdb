"""Times as pages show them: in the council's time zone, with its name (GMT or BST)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def local_time(value: dt.datetime | None) -> str:
    """ "2 July 2026 00:30 BST" for 23:30 UTC on 1 July: never a bare UTC offset."""
    if value is None:
        return ""
    moment = timezone.localtime(value)
    return f"{moment:%-d %B %Y %H:%M} {moment.tzname()}"
