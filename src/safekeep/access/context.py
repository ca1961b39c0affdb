"""The context of one decision: when it happens and (later) on which device."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone

from safekeep.access.policy import Context


def request_context(request: HttpRequest) -> Context:
    """The context of a web or API request. The device is not identified yet (devices issue)."""
    del request  # the device will be read from the request once devices are enrolled
    return Context(now=timezone.localtime(timezone.now()), device=None)


def command_context(now: dt.datetime | None = None) -> Context:
    """The context of an operator's command; `now` lets tests and explanations fix the time."""
    moment = now if now is not None else timezone.now()
    return Context(now=timezone.localtime(moment), device=None)
