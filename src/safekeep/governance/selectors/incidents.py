"""Reading incidents: for the IG pages, the dashboard and the FOI report.

The ICO clock (UK GDPR article 33): a personal data breach is reported to the ICO within 72
hours of the council becoming aware of it, unless the council decides, and records why, that
it is unlikely to risk people's rights. The clock counts real hours, so it ends at the same
instant whatever the clocks do in between (the October change makes it end an hour earlier
on the wall clock, the March change an hour later); pages show that instant in London time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone

from safekeep.devices.models import Device
from safekeep.governance.models.incidents import Incident
from safekeep.organisation.models import StaffMember

ICO_HOURS = 72
OPEN, CLOSED, ALL = "open", "closed", "all"
STATES = {OPEN: "Open", CLOSED: "Closed", ALL: "All"}


def incidents_involving(
    *,
    staff: QuerySet[StaffMember],
    category: str,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[Incident]:
    """Incidents of `category` involving any of `staff` that occurred between `since` and
    `until` (both inclusive; None: no bound). FOI q1g counts these for its population."""
    found = Incident.objects.filter(category=category, staff__in=staff)
    if since is not None:
        found = found.filter(occurred_on__gte=since)
    if until is not None:
        found = found.filter(occurred_on__lte=until)
    return found


def incident_list(*, category: str = "", state: str = OPEN) -> QuerySet[Incident]:
    """IG's list, newest first: one category (or all), open, closed or all of them."""
    found = Incident.objects.select_related("staff__team", "device")
    if category:
        found = found.filter(category=category)
    if state == OPEN:
        found = found.filter(closed_at__isnull=True)
    elif state == CLOSED:
        found = found.filter(closed_at__isnull=False)
    return found.prefetch_related("staff__roles")


def open_incidents_by_category() -> list[tuple[str, str, int]]:
    """(category, its words, how many are open) for each category with an open incident, in
    the order of the incidents CSV's categories: the IG dashboard's summary."""
    counts = dict(
        Incident.objects.filter(closed_at__isnull=True)
        .values_list("category")
        .annotate(open=Count("id"))
        .values_list("category", "open")
    )
    return [
        (value, str(label), counts[value])
        for value, label in Incident.Category.choices
        if counts.get(value)
    ]


def incident_get(pk: int) -> Incident | None:
    return (
        Incident.objects.select_related(
            "staff__team",
            "device",
            "reported_by__team",
            "closed_by__team",
            "ico_decided_by__team",
            "it_task",
        )
        .prefetch_related(
            "staff__roles",
            "reported_by__roles",
            "closed_by__roles",
            "ico_decided_by__roles",
            "actions__taken_by__team",
            "actions__taken_by__roles",
        )
        .filter(pk=pk)
        .first()
    )


def incidents_for_device(device: Device) -> QuerySet[Incident]:
    return Incident.objects.filter(device=device)


@dataclass(frozen=True, slots=True)
class BreachClock:
    """Where a data breach stands against the 72 hours: `seconds_left` is negative once the
    deadline has passed; a recorded decision stops the clock at `decided_at`."""

    incident: Incident
    aware_at: dt.datetime
    deadline: dt.datetime
    seconds_left: int
    decided_at: dt.datetime | None

    @property
    def overdue(self) -> bool:
        return self.seconds_left < 0

    @property
    def hours_left(self) -> int:
        """Whole hours left (0 in the last hour); negative whole hours once overdue."""
        hours = abs(self.seconds_left) // 3600
        return -hours if self.overdue else hours

    @property
    def words(self) -> str:
        """In words: "41 hours 30 minutes left", "overdue by 2 hours 5 minutes", or once
        decided "decided 5 hours after becoming aware"."""
        if self.decided_at is not None:
            taken = int((self.decided_at - self.aware_at).total_seconds())
            return f"decided {_hours_minutes(taken)} after becoming aware"
        span = _hours_minutes(abs(self.seconds_left))
        return f"overdue by {span}" if self.overdue else f"{span} left"


def breach_clock(incident: Incident, now: dt.datetime | None = None) -> BreachClock | None:
    """The ICO clock of a data breach whose awareness is recorded; None for anything else."""
    if not incident.is_breach or incident.aware_at is None:
        return None
    # In UTC: arithmetic on London times would count wall-clock hours, not real ones.
    aware_at = incident.aware_at.astimezone(dt.UTC)
    deadline = aware_at + dt.timedelta(hours=ICO_HOURS)
    stopped = incident.ico_decided_at if incident.ico_decision else None
    moment = (stopped or now or timezone.now()).astimezone(dt.UTC)
    return BreachClock(
        incident=incident,
        aware_at=aware_at,
        deadline=deadline,
        seconds_left=int((deadline - moment).total_seconds()),
        decided_at=stopped,
    )


def open_breach_clocks(now: dt.datetime | None = None) -> list[BreachClock]:
    """Every data breach still waiting for the ICO decision, the nearest deadline first: for
    the IG dashboard (hours left, overdue flagged)."""
    moment = now or timezone.now()
    waiting = Incident.objects.filter(
        category=Incident.Category.DATA_BREACH,
        ico_decision=Incident.IcoDecision.UNDECIDED,
        aware_at__isnull=False,
    ).select_related("staff")
    clocks = [breach_clock(incident, moment) for incident in waiting.order_by("aware_at", "id")]
    return [clock for clock in clocks if clock is not None]


def _hours_minutes(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    hour_words = f"{hours} hour{'s' if hours != 1 else ''}"
    minute_words = f"{minutes} minute{'s' if minutes != 1 else ''}"
    if hours and minutes:
        return f"{hour_words} {minute_words}"
    return hour_words if hours else minute_words
