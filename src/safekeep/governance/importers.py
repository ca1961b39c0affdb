"""`safekeep import incidents FILE.csv` (DESIGN.md: occurred_on, reported_on, category,
staff_id, summary), keyed by the whole row.

`staff_id` may be empty (a breach nobody in particular caused); when given it must name a
member of staff. An imported data breach starts its ICO clock at the beginning of the day it
was reported (London time): the file says no more, and the earliest moment is the safe one.
IG can record the exact moment on the incident's page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from safekeep.core.csv_import import ImportCounts, Importer, Parsed, Progress, Row
from safekeep.governance.models import Incident
from safekeep.governance.services import SUMMARY_LENGTH
from safekeep.organisation.models import StaffMember


@dataclass(frozen=True, slots=True)
class IncidentRow:
    occurred_on: dt.date
    reported_on: dt.date
    category: str
    staff_id: str
    summary: str

    @property
    def key(self) -> tuple[dt.date, dt.date, str, str, str]:
        return (self.occurred_on, self.reported_on, self.category, self.staff_id, self.summary)


class IncidentImporter(Importer[IncidentRow]):
    kind = "incidents"
    columns = ("occurred_on", "reported_on", "category", "staff_id", "summary")
    key_columns = None

    def parse_row(self, row: Row) -> IncidentRow | None:
        occurred_on = row.date("occurred_on")
        reported_on = row.date("reported_on")
        category = row.enum("category", Incident.Category.values)
        staff_id = row.identifier("staff_id", required=False)
        summary = row.text("summary", max_length=SUMMARY_LENGTH)
        today = self.options.today
        for column, day in (("occurred_on", occurred_on), ("reported_on", reported_on)):
            if day is not None and day > today:
                row.error(column, f"{day.isoformat()} is in the future")
        if occurred_on is not None and reported_on is not None and reported_on < occurred_on:
            row.error(
                "reported_on",
                f"{reported_on.isoformat()} is before the day it occurred "
                f"({occurred_on.isoformat()})",
            )
        if not row.ok or occurred_on is None or reported_on is None or category is None:
            return None
        return IncidentRow(occurred_on, reported_on, category, staff_id, summary)

    def validate(self, rows: list[Parsed[IncidentRow]]) -> None:
        wanted = {p.item.staff_id for p in rows if p.item.staff_id}
        known = set(
            StaffMember.objects.filter(staff_id__in=wanted).values_list("staff_id", flat=True)
        )
        for parsed in rows:
            staff_id = parsed.item.staff_id
            if staff_id and staff_id not in known:
                self.error(parsed.line, "staff_id", f"no member of staff has staff_id {staff_id!r}")

    def apply(self, rows: list[Parsed[IncidentRow]], progress: Progress) -> ImportCounts:
        counts = ImportCounts()
        staff_pks = dict(
            StaffMember.objects.filter(staff_id__in={p.item.staff_id for p in rows}).values_list(
                "staff_id", "pk"
            )
        )
        days = {p.item.occurred_on for p in rows}
        existing = set(
            Incident.objects.filter(occurred_on__in=days).values_list(
                "occurred_on", "reported_on", "category", "staff_ref", "summary"
            )
        )
        new = []
        for parsed in rows:
            item = parsed.item
            if item.key in existing:
                counts.unchanged += 1
            else:
                new.append(
                    Incident(
                        category=item.category,
                        occurred_on=item.occurred_on,
                        reported_on=item.reported_on,
                        staff_id=staff_pks.get(item.staff_id),
                        staff_ref=item.staff_id,
                        summary=item.summary,
                        source=Incident.Source.IMPORT,
                        aware_at=_start_of(item.reported_on)
                        if item.category == Incident.Category.DATA_BREACH
                        else None,
                    )
                )
                counts.created += 1
            progress(1)
        Incident.objects.bulk_create(new, batch_size=500)
        return counts


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
