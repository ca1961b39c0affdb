"""Anomaly rules for the IG dashboard. Each is one function, thresholds from `conf`.

They read the audit log (and, for facts the log does not hold, staff, allocations,
subjects and break-glass records) and say who did what, never what the records contain.
Each alert has a key derived from the facts it is about (an audit entry, a person and a
day), so the same facts raise the same alert and IG's triage (`governance.services`)
stays with it; new facts raise a new one.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.utils import timezone

from safekeep.access.wording import minutes
from safekeep.audit.models import AuditEntry
from safekeep.governance import conf
from safekeep.governance.people import named, people
from safekeep.organisation.models import StaffMember
from safekeep.records.models import Allocation, BreakGlass, Subject

SIGN_IN_ACTION = "auth.sign_in"


@dataclass(frozen=True, slots=True)
class Alert:
    rule: str
    key: str  # with `rule`, names this alert (see the module's docstring)
    title: str
    detail: str
    staff_id: str = ""  # whom it is about, if anyone: they may not triage it


@dataclass(slots=True)
class RuleResult:
    rule: str
    name: str
    setting: str
    alerts: list[Alert] = field(default_factory=list)


class CaseDecision(NamedTuple):
    entry_id: int
    actor: str
    case_id: str
    subject_id: str
    when: dt.datetime
    decision: str


def _case_access(since: dt.datetime, now: dt.datetime) -> list[CaseDecision]:
    """Every case decision in the window, oldest first."""
    rows = (
        AuditEntry.objects.filter(
            object_type="case",
            action__startswith="case.",
            occurred_at__gte=since,
            occurred_at__lte=now,
        )
        .exclude(actor_staff_id="")
        .order_by("occurred_at", "id")
        .values_list("id", "actor_staff_id", "object_id", "subject_id", "occurred_at", "decision")
    )
    return [CaseDecision(*row) for row in rows]


def _allocations(
    staff_ids: set[str],
) -> dict[tuple[str, str], list[tuple[dt.date, dt.date | None]]]:
    found: dict[tuple[str, str], list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    rows = Allocation.objects.filter(staff__staff_id__in=staff_ids).values_list(
        "staff__staff_id", "case__case_id", "starts_on", "ends_on"
    )
    for staff_id, case_id, starts, ends in rows:
        found[(staff_id, case_id)].append((starts, ends))
    return found


def _allocated(
    allocations: dict[tuple[str, str], list[tuple[dt.date, dt.date | None]]],
    staff_id: str,
    case_id: str,
    day: dt.date,
) -> bool:
    return any(
        starts <= day and (ends is None or ends >= day)
        for starts, ends in allocations.get((staff_id, case_id), [])
    )


def _when(moment: dt.datetime) -> str:
    """A moment in the council's time zone, as the pages write it."""
    return minutes(timezone.localtime(moment))


def outside_caseload(now: dt.datetime) -> RuleResult:
    limit = conf.setting("SAFEKEEP_ALERT_OUTSIDE_CASELOAD_PER_DAY")
    result = RuleResult(
        "outside_caseload",
        "Many cases opened outside the person's caseload in one day",
        f"more than {limit} distinct cases in a day",
    )
    since = now - dt.timedelta(days=conf.setting("SAFEKEEP_ALERT_LOOKBACK_DAYS"))
    rows = [r for r in _case_access(since, now) if r.decision == AuditEntry.Decision.ALLOWED]
    allocations = _allocations({r.actor for r in rows})
    opened: dict[tuple[str, dt.date], set[str]] = defaultdict(set)
    for row in rows:
        day = timezone.localdate(row.when)
        if not _allocated(allocations, row.actor, row.case_id, day):
            opened[(row.actor, day)].add(row.case_id)
    over = sorted(
        ((actor, day, cases) for (actor, day), cases in opened.items() if len(cases) > limit),
        key=lambda item: (item[1], item[0]),
    )
    labels = people(actor for actor, _, _ in over)
    for actor, day, cases in over:
        result.alerts.append(
            Alert(
                result.rule,
                f"{actor}/{day.isoformat()}",
                f"{named(labels, actor)} opened {len(cases)} cases outside their caseload "
                f"on {day:%-d %B %Y}",
                "Cases: " + ", ".join(sorted(cases)),
                staff_id=actor,
            )
        )
    return result


def restricted_access(now: dt.datetime) -> RuleResult:
    result = RuleResult(
        "restricted",
        "Access to a restricted subject by someone not allocated",
        "any such access or attempt",
    )
    since = now - dt.timedelta(days=conf.setting("SAFEKEEP_ALERT_LOOKBACK_DAYS"))
    rows = _case_access(since, now)
    restricted = set(
        Subject.objects.filter(
            restricted=True, subject_id__in={r.subject_id for r in rows}
        ).values_list("subject_id", flat=True)
    )
    rows = [r for r in rows if r.subject_id in restricted]
    allocations = _allocations({r.actor for r in rows})
    labels = people(r.actor for r in rows)
    for row in rows:
        if not _allocated(allocations, row.actor, row.case_id, timezone.localdate(row.when)):
            result.alerts.append(
                Alert(
                    result.rule,
                    str(row.entry_id),
                    f"{named(labels, row.actor)}: {row.decision} access to case {row.case_id} "
                    f"(restricted subject {row.subject_id})",
                    f"At {_when(row.when)}. They are not allocated.",
                    staff_id=row.actor,
                )
            )
    return result


def break_glass_use(now: dt.datetime) -> RuleResult:
    limit = conf.setting("SAFEKEEP_ALERT_BREAK_GLASS_PER_WEEK")
    result = RuleResult(
        "break_glass",
        "Break-glass used often",
        f"more than {limit} times in 7 days",
    )
    uses = BreakGlass.objects.filter(
        started_at__gt=now - dt.timedelta(days=7), started_at__lte=now
    ).values_list("staff__staff_id", "pk")
    counts = Counter(staff_id for staff_id, _ in uses)
    latest: dict[str, int] = {}
    for staff_id, pk in uses:
        latest[staff_id] = max(pk, latest.get(staff_id, 0))
    often = sorted(staff_id for staff_id, count in counts.items() if count > limit)
    labels = people(often)
    for staff_id in often:
        result.alerts.append(
            Alert(
                result.rule,
                f"{staff_id}/{latest[staff_id]}",  # a further use is a new alert
                f"{named(labels, staff_id)} used break-glass {counts[staff_id]} times in 7 days",
                "",
                staff_id=staff_id,
            )
        )
    return result


def leaver_access(now: dt.datetime) -> RuleResult:
    days = conf.setting("SAFEKEEP_ALERT_LEAVER_DAYS")
    result = RuleResult(
        "leaver",
        "Case access by someone about to leave",
        f"end date within {days} days of the access",
    )
    since = now - dt.timedelta(days=conf.setting("SAFEKEEP_ALERT_LOOKBACK_DAYS"))
    rows = [r for r in _case_access(since, now) if r.decision == AuditEntry.Decision.ALLOWED]
    ends = {
        staff_id: end
        for staff_id, end in StaffMember.objects.filter(
            staff_id__in={r.actor for r in rows}, end_date__isnull=False
        ).values_list("staff_id", "end_date")
        if end is not None
    }
    seen: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        end = ends.get(row.actor)
        if end is not None and 0 <= (end - timezone.localdate(row.when)).days <= days:
            seen[row.actor].add(row.case_id)
    labels = people(seen)
    for actor, cases in sorted(seen.items()):
        result.alerts.append(
            Alert(
                result.rule,
                f"{actor}/{ends[actor].isoformat()}",
                f"{named(labels, actor)}, leaving {ends[actor]:%-d %B %Y}, opened "
                f"{len(cases)} case{'s' if len(cases) != 1 else ''}",
                "Cases: " + ", ".join(sorted(cases)),
                staff_id=actor,
            )
        )
    return result


def sign_in_failures(now: dt.datetime) -> RuleResult:
    limit = conf.setting("SAFEKEEP_ALERT_SIGN_IN_FAILURES")
    minutes = conf.setting("SAFEKEEP_ALERT_SIGN_IN_WINDOW_MINUTES")
    result = RuleResult(
        "sign_in_failures",
        "Spike in failed sign-ins",
        f"{limit} or more failures in {minutes} minutes",
    )
    failures = list(
        AuditEntry.objects.filter(
            action=SIGN_IN_ACTION,
            decision=AuditEntry.Decision.REFUSED,
            occurred_at__gt=now - dt.timedelta(minutes=minutes),
            occurred_at__lte=now,
        )
        .order_by("id")
        .values_list("id", "source_address")
    )
    if len(failures) >= limit:
        top = Counter(address for _, address in failures).most_common(3)
        result.alerts.append(
            Alert(
                result.rule,
                str(failures[0][0]),  # the spike, named by its earliest failure in the window
                f"{len(failures)} failed sign-ins in the last {minutes} minutes",
                "Most from: " + ", ".join(f"{addr or 'unknown'} ({n})" for addr, n in top),
            )
        )
    return result


INTEGRITY_ACTION = "crypto.integrity_failure"


def integrity_failures(now: dt.datetime) -> RuleResult:
    """Any encrypted value or file that failed its integrity check: tampering or corruption."""
    return _each_recorded(
        now,
        rule="integrity",
        name="Encrypted data failed its integrity check",
        action=INTEGRITY_ACTION,
        title=lambda e, _: f"{e.object_type} {e.object_id}: integrity check failed",
    )


SLOWED_ACTION = "access.slowed"


def repeated_refusals(now: dt.datetime) -> RuleResult:
    """Someone refused so often in a short while that the door slowed them down: perhaps
    scanning case ids, perhaps a person who needs access they do not have."""
    return _each_recorded(
        now,
        rule="repeated_refusals",
        name="Many refused case requests in a short while",
        action=SLOWED_ACTION,
        title=lambda e, who: f"{who} was slowed down after repeated refusals",
        about_staff=True,
    )


PRIVILEGE_ACTION = "staff.change_approve"


def privileges_given(now: dt.datetime) -> RuleResult:
    """A change that gave case-content access, IG or administrator rights was approved by a
    second person: IG is told of each one (DESIGN.md, separation of duties)."""
    return _each_recorded(
        now,
        rule="privileges_given",
        name="Access rights given to staff",
        action=PRIVILEGE_ACTION,
        title=lambda e, who: f"{who}: a second person approved new access rights",
        about_staff=True,
    )


def _each_recorded(
    now: dt.datetime,
    *,
    rule: str,
    name: str,
    action: str,
    title: Callable[[AuditEntry, str], str],
    about_staff: bool = False,
) -> RuleResult:
    """One alert for each `action` entry in the lookback window, newest first (at most 50).

    With `about_staff`, the entry's object is a member of staff: named, and the alert is
    about them."""
    days = conf.setting("SAFEKEEP_ALERT_LOOKBACK_DAYS")
    result = RuleResult(rule, name, f"any in the last {days} days")
    entries = list(
        AuditEntry.objects.filter(
            action=action,
            occurred_at__gt=now - dt.timedelta(days=days),
            occurred_at__lte=now,
        ).order_by("-occurred_at", "-id")[:50]
    )
    labels = people(e.object_id for e in entries) if about_staff else {}
    for entry in entries:
        about = entry.object_id if about_staff else ""
        result.alerts.append(
            Alert(
                rule,
                str(entry.pk),
                f"{title(entry, named(labels, about))} at {_when(entry.occurred_at)}",
                "; ".join(entry.reasons),
                staff_id=about,
            )
        )
    return result


RULES = (
    outside_caseload,
    restricted_access,
    break_glass_use,
    leaver_access,
    sign_in_failures,
    integrity_failures,
    repeated_refusals,
    privileges_given,
)


def evaluate_all(now: dt.datetime | None = None) -> list[RuleResult]:
    moment = now or timezone.now()
    return [rule(moment) for rule in RULES]


def find(rule: str, key: str, now: dt.datetime) -> Alert | None:
    """The alert the rule raises now under this key, or None (no such rule, or not raised)."""
    for result in evaluate_all(now):
        if result.rule == rule:
            return next((alert for alert in result.alerts if alert.key == key), None)
    return None
