"""People as IG pages show them: by name and role, not only by staff id."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from safekeep.organisation.models import StaffMember
from safekeep.organisation.roles import ROLE_LABELS


@dataclass(frozen=True, slots=True)
class PersonLabel:
    staff_id: str
    name: str
    role: str  # e.g. "Practitioner, Family Support East"

    @property
    def label(self) -> str:
        return f"{self.name} ({self.role})"


def _role_words(staff: StaffMember) -> str:
    labels = [ROLE_LABELS.get(r, r) for r in sorted(staff.role_names())]
    roles = " and ".join([labels[0], *(label[0].lower() + label[1:] for label in labels[1:])])
    return f"{roles}, {staff.team.name}" if labels else staff.team.name


def people(staff_ids: Iterable[str]) -> dict[str, PersonLabel]:
    """Name and role of each staff id that exists (two queries, however many ids)."""
    wanted = {staff_id for staff_id in staff_ids if staff_id}
    found = (
        StaffMember.objects.filter(staff_id__in=wanted)
        .select_related("team")
        .prefetch_related("roles")
    )
    return {s.staff_id: PersonLabel(s.staff_id, s.full_name, _role_words(s)) for s in found}


def named(labels: dict[str, PersonLabel], staff_id: str) -> str:
    """ "Name (role)" for a known staff id; the id itself for one no longer in the directory."""
    person = labels.get(staff_id)
    return person.label if person else staff_id
