"""Adding an entry, and changing one (its author, or a manager correcting it with a reason)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from safekeep.access import door
from safekeep.access.context import request_context
from safekeep.access.door import AccessRefused, CaseAccess, EntryMissing
from safekeep.access.vocabulary import Action, Obligation
from safekeep.core.dates import PARTS
from safekeep.records import forms as record_forms
from safekeep.records import selectors, services
from safekeep.web.decorators import verified_staff_required
from safekeep.web.pages import origin_of, refusal_page, staff_of
from safekeep.web.records.opening import case_form, case_page


@case_page(Action.ADD_ENTRY, open_only=True)
def entry_add(request: HttpRequest, access: CaseAccess) -> HttpResponse:
    def perform(data: dict[str, Any]) -> object:
        try:
            return services.entry_add(
                access=access,
                entry_type=data["entry_type"],
                contact_at=data["contact_at"],
                seen=data["seen"],
                title=data["title"],
                body=data["body"],
                significant=data["significant"],
                sensitive=data["sensitive"],
            )
        except services.RecordsError as error:
            raise _at_the_day_box(error) from None

    draft = selectors.my_draft(access=access) if request.method == "GET" else None
    return case_form(
        request,
        access,
        form=record_forms.EntryForm(
            request.POST or None,
            today=access.context.today,
            initial=_draft_initial(draft.fields) if draft else None,
        ),
        draft=draft,
        perform=perform,
        success_message="Entry added",
        template="records/entry_form.html",
        page_title="Add an entry",
    )


def _at_the_day_box(error: services.RecordsError) -> services.RecordsError:
    """The page's contact time starts at the day box: a `contact_at` error is shown there."""
    if error.field != "contact_at":
        return error
    return services.RecordsError(error.message, field="contact")


def _draft_initial(fields: dict[str, str]) -> dict[str, object]:
    """A kept draft as the form's starting values: its date boxes as typed (perhaps only
    some), its check boxes as booleans."""
    initial: dict[str, object] = dict(fields)
    initial["contact"] = [fields.get(f"contact_{part}", "") for part in PARTS]
    for flag in ("significant", "sensitive"):
        initial[flag] = fields.get(flag) == "on"
    return initial


@verified_staff_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, case_id: str, entry_id: int) -> HttpResponse:
    try:
        access = door.entry_access(
            staff=staff_of(request),
            case_id=case_id,
            entry_id=entry_id,
            context=request_context(request),
            origin=origin_of(request),
            change=request.method == "POST",
        )
    except AccessRefused as refusal:
        return refusal_page(request, refusal)
    except EntryMissing as missing:
        raise Http404(str(missing)) from None
    latest = selectors.entry_view(access.entry).latest
    if not latest.intact:
        if request.method == "POST":
            door.record_unchanged(access)
        raise Http404("This entry failed its integrity check and cannot be edited")
    needs_reason = Obligation.RECORD_REASON in access.decision.obligations

    def perform(data: dict[str, Any]) -> object:
        try:
            return services.entry_edit(
                access=access,
                title=data["title"],
                body=data["body"],
                reason=data["reason"],
                seen=data["seen"],
                entry_type=data["entry_type"],
                contact_at=data["contact_at"],
                significant=data["significant"],
            )
        except services.RecordsError as error:
            raise _at_the_day_box(error) from None

    return case_form(
        request,
        access,
        form=record_forms.EntryEditForm(
            request.POST or None,
            initial=record_forms.edit_initial(
                access.entry, title=latest.title, body=latest.body, seen=latest.seen
            ),
            needs_reason=needs_reason,
        ),
        perform=perform,
        success_message="Entry updated. The previous version is kept.",
        template="records/entry_edit.html",
        entry=access.entry,
        needs_reason=needs_reason,
        page_title="Edit an entry",
    )
