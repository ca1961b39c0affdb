"""What the IG dashboard and reports read: alerts with their triage, the log in words,
counts for the charts, and finding a person by name, date of birth or case id."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Model, QuerySet
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from safekeep.audit.models import AuditEntry
from safekeep.audit.wording import action_words
from safekeep.dbrouting import for_reports
from safekeep.governance import alerts
from safekeep.governance.alerts import Alert, RuleResult
from safekeep.governance.models.triage import AlertTriage
from safekeep.governance.people import PersonLabel, people
from safekeep.organisation.models import StaffMember
from safekeep.records.models import Case, Subject
from safekeep.records.selectors import Person, subject_match_kind, subject_person

# --- alerts and their triage ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TriagedAlert:
    alert: Alert
    steps: list[AlertTriage]  # oldest first; empty while open

    @property
    def state(self) -> str:
        return self.steps[-1].state if self.steps else "open"


@dataclass(slots=True)
class RuleBoard:
    """One rule's alerts, split by state, for the dashboard."""

    result: RuleResult
    open: list[TriagedAlert] = field(default_factory=list)
    acknowledged: list[TriagedAlert] = field(default_factory=list)
    dismissed: list[TriagedAlert] = field(default_factory=list)


def alert_board(results: list[RuleResult]) -> list[RuleBoard]:
    """Each rule's alerts with their triage steps (one query for all of them)."""
    keys = {(a.rule, a.key) for r in results for a in r.alerts}
    steps: dict[tuple[str, str], list[AlertTriage]] = defaultdict(list)
    stored = AlertTriage.objects.filter(key__in={key for _, key in keys}).select_related("by")
    for step in stored.order_by("at", "id"):
        if (step.rule, step.key) in keys:
            steps[(step.rule, step.key)].append(step)
    boards = []
    for result in results:
        board = RuleBoard(result)
        for alert in result.alerts:
            triaged = TriagedAlert(alert, steps[(alert.rule, alert.key)])
            getattr(board, triaged.state).append(triaged)
        boards.append(board)
    return boards


def alert_raised(rule: str, key: str, now: dt.datetime) -> tuple[Alert, StaffMember | None] | None:
    """The alert raised now under this name, and the member of staff it is about (the door
    does not let them triage it); None when it is not raised now."""
    alert = alerts.find(rule, key, now)
    if alert is None:
        return None
    about = StaffMember.objects.filter(staff_id=alert.staff_id).first() if alert.staff_id else None
    return alert, about


def triage_name(alert: Alert) -> AlertTriage:
    """An unsaved triage step that names the alert, as a refused triage's entry names it."""
    return AlertTriage(rule=alert.rule, key=alert.key)


# --- the log, as pages show it -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LogRow:
    entry: AuditEntry
    who: PersonLabel | None  # None: not a member of staff (a command, a failed sign-in)
    what: str


def log_rows(entries: Iterable[AuditEntry]) -> list[LogRow]:
    """Audit entries with the person named and the action in words."""
    rows = list(entries)
    labels = people(e.actor_staff_id for e in rows)
    return [
        LogRow(e, labels.get(e.actor_staff_id), action_words(e.action, e.decision)) for e in rows
    ]


# --- counts for the charts -----------------------------------------------------------------


def _local_range(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    return start, dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)


def case_decisions_per_day(first: dt.date, last: dt.date) -> list[tuple[dt.date, int, int]]:
    """(day, allowed, refused) case decisions for every day from `first` to `last`, days in
    the council's time zone (an access at 23:30 UTC in summer counts on the next day)."""
    start, end = _local_range(first, last)
    counted = (
        for_reports(AuditEntry.objects.all())
        .filter(
            object_type="case",
            action__startswith="case.",
            occurred_at__gte=start,
            occurred_at__lt=end,
            decision__in=[AuditEntry.Decision.ALLOWED, AuditEntry.Decision.REFUSED],
        )
        .annotate(day=TruncDate("occurred_at", tzinfo=timezone.get_current_timezone()))
        .values_list("day", "decision")
        .annotate(n=Count("id"))
    )
    found: dict[tuple[dt.date, str], int] = {(day, decision): n for day, decision, n in counted}
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    return [
        (
            day,
            found.get((day, AuditEntry.Decision.ALLOWED), 0),
            found.get((day, AuditEntry.Decision.REFUSED), 0),
        )
        for day in days
    ]


def months_ending(last: dt.date, months: int) -> list[dt.date]:
    """The first days of the `months` months up to and including `last`'s month."""
    year, month = last.year, last.month
    found = []
    for _ in range(months):
        found.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found[::-1]


def counts_per_month(
    items: QuerySet[Model], date_field: str, *, last: dt.date, months: int = 12
) -> list[tuple[dt.date, int]]:
    """(first of month, count) of `items` by a date field, for each of the `months` months up
    to `last`'s: complaints by `reported_on`, incidents by `occurred_on`."""
    firsts = months_ending(last, months)
    counted = (
        items.filter(**{f"{date_field}__gte": firsts[0], f"{date_field}__lte": last})
        .annotate(month=TruncMonth(date_field))
        .values_list("month")
        .annotate(n=Count("id"))
        .values_list("month", "n")
    )
    found = {_first_of(month): n for month, n in counted}
    return [(first, found.get(first, 0)) for first in firsts]


def _first_of(value: dt.date | dt.datetime) -> dt.date:
    day = value.date() if isinstance(value, dt.datetime) else value
    return day.replace(day=1)


# --- finding a person ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SubjectFound:
    subject: Subject
    person: Person
    cases: list[Case]


@dataclass(frozen=True, slots=True)
class SubjectSearch:
    how: str  # "case id", "date of birth", "name"
    found: list[SubjectFound]


def subject_search(text: str) -> SubjectSearch:
    """Subjects whose case id or subject id is `text`, or else whose name or date of birth
    matches exactly through the blind indexes (names are sealed: no partial matching).

    A full name ("Amy Jones") matches given and family name together; one word matches the
    family name alone; a date (2015-05-01 or 1/5/2015) the date of birth.
    """
    text = text.strip()
    by_id = Subject.objects.filter(cases__case_id=text) | Subject.objects.filter(subject_id=text)
    how = "case id"
    subjects = list(by_id.distinct())
    if not subjects:
        how, condition = subject_match_kind(text, prefix="")
        subjects = list(Subject.objects.filter(condition))
    cases: dict[int, list[Case]] = defaultdict(list)
    for case in Case.objects.filter(subject__in=subjects).select_related("owning_team"):
        cases[case.subject_id].append(case)
    return SubjectSearch(
        how,
        [
            SubjectFound(s, subject_person(s), cases[s.pk])
            for s in sorted(subjects, key=lambda s: s.subject_id)
        ],
    )


def subject_named(subject_id: str) -> Person | None:
    """The subject's name and date of birth, for the report about them (None: no such id)."""
    subject = Subject.objects.filter(subject_id=subject_id).first()
    return subject_person(subject) if subject else None
