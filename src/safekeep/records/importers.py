"""`safekeep import cases FILE.csv`: a council's existing caseload from the system it leaves.

Columns (DESIGN.md, "Data exchange formats"): case_id, subject_id, subject_kind,
given_name, family_name, date_of_birth, owning_team, classification, restricted,
allocated_staff_ids, opened_on, closed_on. Rows are keyed by case_id: importing the same
file twice changes nothing; a changed row updates the case and its subject, and adds an
allocation for any newly listed worker (allocations are never removed by an import).
Names and dates of birth are sealed as they are written (records.sealing); the file itself is
the operator's to protect.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from safekeep.core.csv_import import ImportCounts, Importer, Parsed, Progress, Row
from safekeep.crypto.errors import DecryptionFailed, KeyMissing
from safekeep.organisation.models import Classification, StaffMember, Team
from safekeep.records import sealing
from safekeep.records.models import Allocation, Case, Subject
from safekeep.records.services import subject_details_set


@dataclass(frozen=True, slots=True)
class CaseRow:
    case_id: str
    subject_id: str
    subject_kind: str
    given_name: str
    family_name: str
    date_of_birth: dt.date | None
    owning_team: str
    classification: str
    restricted: bool
    allocated_staff_ids: tuple[str, ...]
    opened_on: dt.date
    closed_on: dt.date | None


class CasesImporter(Importer[CaseRow]):
    kind = "cases"
    columns = (
        "case_id",
        "subject_id",
        "subject_kind",
        "given_name",
        "family_name",
        "date_of_birth",
        "owning_team",
        "classification",
        "restricted",
        "allocated_staff_ids",
        "opened_on",
        "closed_on",
    )
    key_columns = ("case_id",)

    def parse_row(self, row: Row) -> CaseRow | None:
        case_id = row.identifier("case_id")
        subject_id = row.identifier("subject_id")
        kind = row.enum("subject_kind", Subject.Kind.values)
        given = row.text("given_name", max_length=100)
        family = row.text("family_name", max_length=100)
        born = row.date("date_of_birth", required=False)
        team = row.text("owning_team")
        classification = row.enum("classification", Classification.values)
        restricted = row.yes_no("restricted")
        allocated = row.identifier_list("allocated_staff_ids")
        opened = row.date("opened_on")
        closed = row.date("closed_on", required=False)
        if opened and closed and closed < opened:
            row.error(
                "closed_on",
                f"the closing date {closed.isoformat()} is before the opening date "
                f"{opened.isoformat()}",
            )
        if born and opened and born > opened:
            row.error("date_of_birth", "the date of birth is after the case was opened")
        if not row.ok:
            return None
        assert kind and classification and opened and restricted is not None  # nosec B101 # row.ok
        return CaseRow(
            case_id, subject_id, kind, given, family, born, team, classification, restricted,
            tuple(allocated), opened, closed,
        )  # fmt: skip

    def validate(self, rows: list[Parsed[CaseRow]]) -> None:
        staff = {
            s.staff_id: s
            for s in StaffMember.objects.only("staff_id", "start_date", "end_date", "pk")
        }
        teams = set(Team.objects.values_list("name", flat=True))
        ids = {p.item.subject_id for p in rows}
        subjects = {
            s.subject_id: s for s in Subject.objects.filter(subject_id__in=ids).select_related()
        }
        seen: dict[str, tuple[str, str, str, dt.date | None]] = {}
        for parsed in rows:
            item, line = parsed.item, parsed.line
            if item.owning_team not in teams:
                self.error(line, "owning_team", f"there is no team called {item.owning_team!r}")
            person = (item.subject_kind, item.given_name, item.family_name, item.date_of_birth)
            earlier = seen.setdefault(item.subject_id, person)
            if earlier != person:
                self.error(
                    line,
                    "subject_id",
                    f"{item.subject_id!r} appears earlier in the file with a different "
                    "kind, name or date of birth",
                )
            existing = subjects.get(item.subject_id)
            if existing is not None and existing.kind != item.subject_kind:
                self.error(
                    line,
                    "subject_kind",
                    f"{item.subject_id!r} is already recorded as {existing.kind}",
                )
            if item.subject_kind == Subject.Kind.STAFF and item.subject_id not in staff:
                self.error(
                    line,
                    "subject_id",
                    f"a staff subject's subject_id must be a staff_id; there is no staff "
                    f"member {item.subject_id!r}",
                )
            for staff_id in item.allocated_staff_ids:
                member = staff.get(staff_id)
                if member is None:
                    self.error(
                        line, "allocated_staff_ids", f"there is no staff member {staff_id!r}"
                    )
                elif item.subject_kind == Subject.Kind.STAFF and staff_id == item.subject_id:
                    self.error(
                        line,
                        "allocated_staff_ids",
                        f"{staff_id!r} cannot be allocated to their own record",
                    )
                elif member.end_date is not None and member.end_date < self.options.today:
                    self.warn(
                        line,
                        "allocated_staff_ids",
                        f"{staff_id!r} left on {member.end_date.isoformat()}: the allocation "
                        "is recorded as ended then and the case is on their list to reallocate",
                    )

    def apply(self, rows: list[Parsed[CaseRow]], progress: Progress) -> ImportCounts:
        counts = ImportCounts()
        staff = dict(StaffMember.objects.values_list("staff_id", "pk"))
        left = {
            staff_id: end_date
            for staff_id, end_date in StaffMember.objects.filter(
                end_date__lt=self.options.today
            ).values_list("staff_id", "end_date")
        }
        teams = dict(Team.objects.values_list("name", "pk"))
        case_ids = [p.item.case_id for p in rows]
        cases = {
            c.case_id: c
            for c in Case.objects.filter(case_id__in=case_ids).select_related("subject")
        }
        active = {
            (case_id, staff_pk)
            for case_id, staff_pk in Allocation.objects.filter(
                case__case_id__in=case_ids, role=Allocation.Role.ALLOCATED_WORKER
            ).values_list("case__case_id", "staff_id")
        }
        subjects: dict[str, Subject] = {
            s.subject_id: s
            for s in Subject.objects.filter(subject_id__in={p.item.subject_id for p in rows})
        }
        for parsed in rows:
            item = parsed.item
            subject, subject_changed = self._subject(item, subjects, staff)
            case = cases.get(item.case_id)
            fields = {
                "subject_id": subject.pk,
                "owning_team_id": teams[item.owning_team],
                "classification": item.classification,
                "opened_on": item.opened_on,
                "closed_on": item.closed_on,
            }
            changed = subject_changed
            if case is None:
                case = Case.objects.create(case_id=item.case_id, **fields)
                cases[item.case_id] = case
                created = True
            else:
                created = False
                differs = [k for k, v in fields.items() if getattr(case, k) != v]
                if differs:
                    for key in differs:
                        setattr(case, key, fields[key])
                    case.save(update_fields=[k.removesuffix("_id") for k in differs])
                    changed = True
            for staff_id in item.allocated_staff_ids:
                allocation_key = (item.case_id, staff[staff_id])
                if allocation_key not in active:
                    Allocation.objects.create(
                        case=case,
                        staff_id=staff[staff_id],
                        role=Allocation.Role.ALLOCATED_WORKER,
                        **_allocation_dates(item, left.get(staff_id)),
                    )
                    active.add(allocation_key)
                    changed = True
            if created:
                counts.created += 1
            elif changed:
                counts.updated += 1
            else:
                counts.unchanged += 1
            progress(1)
        return counts

    @staticmethod
    def _subject(
        item: CaseRow, subjects: dict[str, Subject], staff: dict[str, int]
    ) -> tuple[Subject, bool]:
        """Create or update the subject; names and date of birth are sealed (and compared
        by opening the stored values, since sealing the same value twice differs)."""
        values = {
            "kind": item.subject_kind,
            "staff_id": staff[item.subject_id] if item.subject_kind == "staff" else None,
            "restricted": item.restricted,
        }
        details = (item.given_name, item.family_name, item.date_of_birth)
        subject = subjects.get(item.subject_id)
        if subject is None:
            subject = Subject.objects.create(subject_id=item.subject_id, **values)
            subject_details_set(
                subject=subject,
                given_name=item.given_name,
                family_name=item.family_name,
                date_of_birth=item.date_of_birth,
            )
            subjects[item.subject_id] = subject
            return subject, False
        differs = [k for k, v in values.items() if getattr(subject, k) != v]
        if differs:
            for key in differs:
                setattr(subject, key, values[key])
            subject.save(update_fields=[k.removesuffix("_id") for k in differs])
        try:
            details_differ = sealing.open_subject(subject) != details
        except (DecryptionFailed, KeyMissing):  # damaged: the import's values replace them
            details_differ = True
        if details_differ:
            subject_details_set(
                subject=subject,
                given_name=item.given_name,
                family_name=item.family_name,
                date_of_birth=item.date_of_birth,
            )
        return subject, bool(differs) or details_differ


def _allocation_dates(item: CaseRow, left_on: dt.date | None) -> dict[str, object]:
    """An allocation as the old system had it; one whose worker has left ended on their last
    working day, and an open case waits for someone else (records/leaving.py)."""
    if left_on is None:
        return {"starts_on": item.opened_on, "ends_on": item.closed_on}
    ends_on = min(left_on, item.closed_on or left_on)
    return {
        "starts_on": min(item.opened_on, ends_on),
        "ends_on": ends_on,
        "needs_reallocation": item.closed_on is None,
    }
