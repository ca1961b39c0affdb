"""Drafts of entries, saved as their author types: sealed, theirs alone, kept until the
entry is saved (`entry_add` removes it) or the draft is discarded."""

from __future__ import annotations

import json

from django.db import transaction

from safekeep.access.door import CaseAccess
from safekeep.access.vocabulary import Action
from safekeep.records import sealing
from safekeep.records.models import EntryDraft
from safekeep.records.services._recording import record_change, require_allowed
from safekeep.records.services.closure import check_open
from safekeep.records.services.entries import BODY_MAX, SEEN_MAX, TITLE_MAX
from safekeep.records.services.errors import RecordsError

# The add-entry form's fields a draft keeps, and the longest each may be.
DRAFT_FIELDS: dict[str, int] = {
    "entry_type": 30,
    "contact_day": 2,
    "contact_month": 2,
    "contact_year": 4,
    "contact_time": 10,
    "seen": SEEN_MAX,
    "title": TITLE_MAX,
    "body": BODY_MAX,
    "significant": 2,
    "sensitive": 2,
}


def draft_save(*, access: CaseAccess, fields: dict[str, str]) -> EntryDraft:
    """Keep what is typed so far (only the form's own fields, each within its limit)."""
    require_allowed(access, Action.ADD_ENTRY)
    check_open(access)
    kept = {}
    for name, limit in DRAFT_FIELDS.items():
        value = str(fields.get(name, ""))
        if len(value) > limit:
            raise RecordsError(f"The draft's {name.replace('_', ' ')} is too long", field=name)
        if value:
            kept[name] = value
    case, staff = access.case, access.staff
    with transaction.atomic():
        draft = EntryDraft.objects.select_for_update().filter(
            case=case, author=staff
        ).first() or EntryDraft(case=case, author=staff)
        draft.saved_at = access.context.now
        sealing.seal_draft(draft, content=json.dumps(kept, sort_keys=True))
        draft.save()
        record_change(access, "entry.draft", draft, case)
    return draft


def draft_discard(*, access: CaseAccess) -> bool:
    """Throw this person's draft for the case away (False: there was none)."""
    require_allowed(access, Action.ADD_ENTRY)
    with transaction.atomic():
        draft = EntryDraft.objects.filter(case=access.case, author=access.staff).first()
        if draft is None:
            return False
        record_change(access, "entry.draft_discard", draft, access.case)
        draft.delete()
    return True
