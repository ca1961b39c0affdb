"""Every decision queue shares one shape: pick an item, choose, the door, the service.

Access requests, referrals, break-glass reviews and staff changes waiting for a second
person all use `queue_page`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from safekeep.access.context import request_context
from safekeep.access.door import AccessRefused, DutyAccess
from safekeep.organisation.services import StaffInvalid
from safekeep.records.services import RecordsError
from safekeep.web.pages import origin_of, refusal_page, staff_of

Item = TypeVar("Item", bound=Model)


def queue_page(
    request: HttpRequest,
    *,
    model: type[Item],
    field: str,
    form_class: type[forms.Form],
    choose: str,
    ask: Callable[..., DutyAccess],
    perform: Callable[[DutyAccess, Item, dict[str, Any]], object],
    done: str,
    template: str,
    **context: Any,
) -> HttpResponse:
    """A queue page; on POST, decide the item named by `field` through the door (`ask`) and
    make the change (`perform`). A refusal answers 403; a problem shows the queue again (400).
    """
    error = None
    if request.method == "POST":
        item = get_object_or_404(model, pk=request.POST.get(field, "0") or 0)
        form = form_class(request.POST)
        if form.is_valid():
            try:
                access = ask(
                    staff=staff_of(request),
                    context=request_context(request),
                    origin=origin_of(request),
                    **{field: item},
                )
                perform(access, item, form.cleaned_data)
            except AccessRefused as refusal:
                return refusal_page(request, refusal)
            except (RecordsError, StaffInvalid) as problem:
                error = problem.message
            else:
                messages.success(request, done)
                return redirect(request.path)
        else:
            error = choose
    return render(request, template, {"error": error, **context}, status=400 if error else 200)
