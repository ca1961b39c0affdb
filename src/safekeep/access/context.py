"""The context of one decision: when it happens, on which device, under which task policy."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone

from safekeep.access.policy import Context
from safekeep.devices.context import device_facts_for_request, task_policy_for_request
from safekeep.devices.selectors import current_task_policy
from safekeep.devices.vocabulary import DeviceFacts

_CACHE_ATTR = "_safekeep_access_context"


def request_context(request: HttpRequest) -> Context:
    """The context of a web or API request: the device its credential names (None: unknown).

    Computed once per request, so a page that decides several things asks the database once.
    """
    cached: Context | None = getattr(request, _CACHE_ATTR, None)
    if cached is None:
        cached = Context(
            now=timezone.localtime(timezone.now()),
            device=device_facts_for_request(request),
            task_policy=task_policy_for_request(request),
        )
        setattr(request, _CACHE_ATTR, cached)
    return cached


def command_context(
    now: dt.datetime | None = None, *, device: DeviceFacts | None = None
) -> Context:
    """The context of an operator's command; `now` lets tests and explanations fix the time.

    Without a device the request is from an unknown, personal device (DESIGN.md).
    """
    moment = now if now is not None else timezone.now()
    return Context(now=timezone.localtime(moment), device=device, task_policy=current_task_policy())
