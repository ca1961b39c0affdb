"""Saving and discarding the draft of an entry (the add-entry page's script posts here)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone

from safekeep.access import door
from safekeep.access.door import CaseAccess
from safekeep.access.vocabulary import Action
from safekeep.access.wording import clock_time
from safekeep.records import services
from safekeep.web.records.opening import case_page


@case_page(Action.ADD_ENTRY, methods=("POST",))
def entry_draft(request: HttpRequest, access: CaseAccess) -> HttpResponse:
    """Save what is typed (JSON: when it was saved), or discard it (back to an empty form)."""
    case_id = access.case.case_id
    if request.POST.get("discard"):
        if not services.draft_discard(access=access):
            door.record_unchanged(access)
        messages.success(request, "Draft discarded")
        return redirect("records:entry-add", case_id=case_id)
    try:
        draft = services.draft_save(access=access, fields=request.POST.dict())
    except services.RecordsError as error:
        door.record_unchanged(access)
        return JsonResponse({"detail": error.message, "field": error.field}, status=400)
    return JsonResponse({"saved_at": clock_time(timezone.localtime(draft.saved_at).time())})
