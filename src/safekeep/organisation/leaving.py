"""What a leaver still has open, gathered from every app that holds something of theirs.

Each app above organisation (accounts, devices, records, sites, …) registers a provider in
its AppConfig.ready; the leaver checklist, IG's page and `safekeep leavers --json` ask
`leaver_items` and so never import the apps that hold the things. An item is done or
outstanding; `item` is the DESIGN.md name ("sign_in", "door_code", "device", "reallocate",
"paper_file", …) and `detail` the fields `safekeep leavers --json` prints beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from safekeep.audit.writing import Origin, audit_event
from safekeep.organisation.models import StaffMember


@dataclass(frozen=True, slots=True)
class LeaverItem:
    item: str
    done: bool
    label: str  # plain words for the checklist page, e.g. "Main entrance code at Hillside"
    detail: Mapping[str, str] = field(default_factory=dict)

    def sort_key(self) -> tuple[str, tuple[tuple[str, str], ...]]:
        return self.item, tuple(sorted(self.detail.items()))


LeaverItemsProvider = Callable[[StaffMember], list[LeaverItem]]

_providers: dict[str, LeaverItemsProvider] = {}


def register_leaver_items(name: str) -> Callable[[LeaverItemsProvider], LeaverItemsProvider]:
    """Decorator: `provider(staff)` lists what `name` (an app's part) holds of a leaver."""

    def add(provider: LeaverItemsProvider) -> LeaverItemsProvider:
        if name in _providers and _providers[name] is not provider:
            raise ValueError(f"two leaver-item providers are called {name!r}")
        _providers[name] = provider
        return provider

    return add


def leaver_items(staff: StaffMember) -> list[LeaverItem]:
    """Every item, done or outstanding, of `staff`, sorted as `safekeep leavers` prints them."""
    items = [item for name in sorted(_providers) for item in _providers[name](staff)]
    return sorted(items, key=LeaverItem.sort_key)


def leavers_as_of(as_of: dt.date) -> QuerySet[StaffMember]:
    """Leavers on `as_of`: their last working day was before it, or a manager ended them
    on it and the workflow has run (someone ended "now" is a leaver at once)."""
    return (
        StaffMember.objects.filter(
            Q(end_date__lt=as_of) | Q(end_date__lte=as_of, leaving__isnull=False)
        )
        .select_related("team")
        .order_by("staff_id")
    )


@dataclass(frozen=True, slots=True)
class LeaverChecklist:
    staff: StaffMember
    items: list[LeaverItem]

    @property
    def outstanding(self) -> list[LeaverItem]:
        return [item for item in self.items if not item.done]

    @property
    def done(self) -> list[LeaverItem]:
        return [item for item in self.items if item.done]

    def as_json(self) -> dict[str, object]:
        """The `safekeep leavers --json` form (DESIGN.md): done names, outstanding items."""
        assert self.staff.end_date is not None  # nosec B101 # a leaver has an end date
        return {
            "staff_id": self.staff.staff_id,
            "left_on": self.staff.end_date.isoformat(),
            "employment_type": self.staff.employment_type,
            "done": sorted({item.item for item in self.done}),
            "outstanding": [{"item": item.item, **item.detail} for item in self.outstanding],
        }


def leaver_checklist(staff: StaffMember) -> LeaverChecklist:
    return LeaverChecklist(staff=staff, items=leaver_items(staff))


def leaver_checklists(as_of: dt.date, *, outstanding_only: bool = False) -> list[LeaverChecklist]:
    """Every leaver on `as_of` with something done or open in the workflow (or, with
    `outstanding_only`, something still open), by staff ID."""
    found = [leaver_checklist(staff) for staff in leavers_as_of(as_of)]
    if outstanding_only:
        return [checklist for checklist in found if checklist.outstanding]
    return [checklist for checklist in found if checklist.items]


def leaver_checklist_read(*, origin: Origin, staff: StaffMember) -> LeaverChecklist:
    """One leaver's checklist, for the person the door let see it; the viewing is audited
    (it names their cases and devices)."""
    checklist = leaver_checklist(staff)
    audit_event(
        origin=origin,
        action="leaver.checklist",
        decision="allowed",
        object_type="staff",
        object_id=staff.staff_id,
        reasons=[f"{len(checklist.outstanding)} outstanding", f"{len(checklist.done)} done"],
    )
    return checklist


def leaver_checklists_read(
    *, origin: Origin, as_of: dt.date, outstanding_only: bool = False
) -> list[LeaverChecklist]:
    """Every leaver's checklist on `as_of` (IG's page, `safekeep leavers`), audited."""
    found = leaver_checklists(as_of, outstanding_only=outstanding_only)
    audit_event(
        origin=origin,
        action="leavers.list",
        decision="allowed",
        object_type="leavers",
        object_id=as_of.isoformat(),
        reasons=[f"{len(found)} leavers"],
    )
    return found
