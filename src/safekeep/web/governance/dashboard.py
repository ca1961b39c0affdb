"""The IG dashboard is a list of sections: each a title, a template and a selector.

To add one (door-code rotations, leavers, SARs), write a small template under
`governance/sections/` and add a `Section` to `SECTIONS` whose `load` calls the selector:

    Section("incidents", "Open incidents and breach clocks",
            "governance/sections/incidents.html", _incidents),

A chart section uses `governance/sections/chart.html` with `{"chart": month_chart(...)}`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from safekeep.access import door
from safekeep.access.policy import Context
from safekeep.access.vocabulary import Duty
from safekeep.audit import selectors as audit_selectors
from safekeep.devices.models import DeviceComplaint
from safekeep.devices.selectors import devices_non_compliant
from safekeep.governance import alerts
from safekeep.governance import selectors as governance
from safekeep.governance.models import Incident
from safekeep.governance.people import people
from safekeep.organisation.models import StaffMember
from safekeep.records.selectors import subject_person
from safekeep.subject_access import selectors as subject_access
from safekeep.web.governance.charts import Chart, Series, bar_chart, day_labels, month_labels

CHART_DAYS = 30
CHART_MONTHS = 12


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is looking, and when: what a section's selector may need."""

    staff: StaffMember
    context: Context

    @property
    def now(self) -> dt.datetime:
        return self.context.now

    @property
    def today(self) -> dt.date:
        return self.context.today


@dataclass(frozen=True, slots=True)
class Section:
    slug: str
    title: str
    template: str
    load: Callable[[Viewer], dict[str, Any]]


def month_chart(
    slug: str, title: str, counts: list[tuple[dt.date, int]], *, series: str, empty: str
) -> Chart:
    """One series of counts per month (`governance.selectors.counts_per_month`) as a chart."""
    labels, short = month_labels([month for month, _ in counts])
    return bar_chart(
        slug=slug,
        title=title,
        labels=labels,
        short_labels=short,
        series=[Series(series, tuple(n for _, n in counts))],
        empty=empty,
    )


def accesses_chart(first: dt.date, last: dt.date) -> Chart:
    days = governance.case_decisions_per_day(first, last)
    labels, short = day_labels([day for day, _, _ in days])
    return bar_chart(
        slug="accesses",
        title="Case accesses and refusals per day",
        labels=labels,
        short_labels=short,
        series=[
            Series("Accesses", tuple(allowed for _, allowed, _ in days)),
            Series("Refusals", tuple(refused for _, _, refused in days)),
        ],
        empty="No accesses recorded in this period.",
    )


def _break_glass(viewer: Viewer) -> dict[str, Any]:
    queue = list(
        door.queue(staff=viewer.staff, duty=Duty.REVIEW_BREAK_GLASS, context=viewer.context)
    )
    labels = people(g.staff.staff_id for g in queue)
    return {"uses": [(g, labels.get(g.staff.staff_id)) for g in queue]}


def _alerts(viewer: Viewer) -> dict[str, Any]:
    boards = governance.alert_board(alerts.evaluate_all(viewer.now))
    return {"boards": boards, "open_count": sum(len(b.open) for b in boards)}


def _devices(viewer: Viewer) -> dict[str, Any]:
    items = devices_non_compliant()
    labels = people(i.device.assigned_staff.staff_id for i in items if i.device.assigned_staff)
    return {
        "items": [
            (i, labels.get(i.device.assigned_staff.staff_id) if i.device.assigned_staff else None)
            for i in items
        ]
    }


def _accesses(viewer: Viewer) -> dict[str, Any]:
    last = viewer.today
    return {"chart": accesses_chart(last - dt.timedelta(days=CHART_DAYS - 1), last)}


def _incidents(viewer: Viewer) -> dict[str, Any]:
    return {
        "open": governance.open_incidents_by_category(),
        "clocks": governance.open_breach_clocks(viewer.now),
    }


def _subject_access(viewer: Viewer) -> dict[str, Any]:
    rows = subject_access.open_requests(today=viewer.today)
    return {
        "rows": [(row, subject_person(row.request.subject)) for row in rows],
        "overdue": sum(row.clock.overdue for row in rows),
        "due_soon": sum(row.clock.due_soon for row in rows),
    }


def _per_month(
    rows: Callable[[], QuerySet[Any]],
    day_field: str,
    *,
    slug: str,
    title: str,
    series: str,
    empty: str,
) -> Callable[[Viewer], dict[str, Any]]:
    """A section's loader: `rows` counted per month by `day_field`, the last 12 months."""

    def load(viewer: Viewer) -> dict[str, Any]:
        counts = governance.counts_per_month(
            rows(), day_field, last=viewer.today, months=CHART_MONTHS
        )
        return {"chart": month_chart(slug, title, counts, series=series, empty=empty)}

    return load


_incidents_per_month = _per_month(
    Incident.objects.all,
    "occurred_on",
    slug="incidents",
    title="Incidents per month, by the month they happened",
    series="Incidents",
    empty="No incidents recorded in this period.",
)
_complaints = _per_month(
    DeviceComplaint.objects.all,
    "reported_on",
    slug="complaints",
    title="Device complaints per month",
    series="Complaints",
    empty="No device complaints recorded in this period.",
)


def _log(viewer: Viewer) -> dict[str, Any]:
    return {"status": audit_selectors.chain_status()}


SECTIONS: tuple[Section, ...] = (
    Section(
        "incidents",
        "Open incidents and breach clocks",
        "governance/sections/incidents.html",
        _incidents,
    ),
    Section(
        "subject-access",
        "Subject access requests: one calendar month to answer",
        "governance/sections/subject_access.html",
        _subject_access,
    ),
    Section(
        "break-glass",
        "Break-glass awaiting review",
        "governance/sections/break_glass.html",
        _break_glass,
    ),
    Section("alerts", "Anomaly alerts", "governance/sections/alerts.html", _alerts),
    Section(
        "devices",
        "Council devices that are not compliant",
        "governance/sections/devices.html",
        _devices,
    ),
    Section(
        "accesses",
        f"Case accesses and refusals, last {CHART_DAYS} days",
        "governance/sections/chart.html",
        _accesses,
    ),
    Section(
        "incidents-per-month",
        f"Incidents, last {CHART_MONTHS} months",
        "governance/sections/chart.html",
        _incidents_per_month,
    ),
    Section(
        "complaints",
        f"Device complaints, last {CHART_MONTHS} months",
        "governance/sections/chart.html",
        _complaints,
    ),
    Section("log", "The audit log", "governance/sections/log.html", _log),
)


def render_sections(request: HttpRequest, viewer: Viewer) -> list[tuple[Section, SafeString]]:
    """Each section loaded by its selector and rendered by its template."""
    return [
        (
            section,
            SafeString(  # nosec B703 # a rendered template: Django escaped every value in it
                render_to_string(
                    section.template, {"section": section, **section.load(viewer)}, request
                )
            ),
        )
        for section in SECTIONS
    ]
