"""Anomaly rules for the IG dashboard. Each is one function, thresholds from `conf`.

They read the audit log (and, for facts the log does not hold, staff, allocations,
subjects and break-glass records) and say who did what, never what the records contain.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from safekeep.audit.models import AuditEntry
from safekeep.governance import conf
from safekeep.organisation.models import StaffMember
from safekeep.records.models import Allocation, BreakGlass, Subject

SIGN_IN_ACTION = "auth.sign_in"


@dataclass(frozen=True, slots=True)
class Alert:
    rule: str
    title: str
    detail: str


@dataclass(slots=True)
class RuleResult:
    rule: str
    name: str
    setting: str
    alerts: list[Alert] = field(default_factory=list)


def _case_access(
    since: dt.datetime, now: dt.datetime
) -> list[tuple[str, str, str, dt.datetime, str]]:
    """(actor, case id, subject id, when, decision) for every case decision in the window."""
    return list(
        AuditEntry.objects.filter(
            object_type="case",
            action__startswith="case.",
            occurred_at__gte=since,
            occurred_at__lte=now,
        )
        .exclude(actor_staff_id="")
        .values_list("actor_staff_id", "object_id", "subject_id", "occurred_at", "decision")
    )


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


def outside_caseload(now: dt.datetime) -> RuleResult:
    limit = conf.setting("SAFEKEEP_ALERT_OUTSIDE_CASELOAD_PER_DAY")
    result = RuleResult(
        "outside_caseload",
        "Many cases opened outside the person's caseload in one day",
        f"more than {limit} distinct cases in a day",
    )
    since = now - dt.timedelta(days=conf.setting("SAFEKEEP_ALERT_LOOKBACK_DAYS"))
    rows = [r for r in _case_access(since, now) if r[4] == AuditEntry.Decision.ALLOWED]
    allocations = _allocations({r[0] for r in rows})
    opened: dict[tuple[str, dt.date], set[str]] = defaultdict(set)
    for actor, case_id, _, when, _ in rows:
        day = timezone.localdate(when)
        if not _allocated(allocations, actor, case_id, day):
            opened[(actor, day)].add(case_id)
    for (actor, day), cases in sorted(opened.items(), key=lambda item: (item[0][1], item[0][0])):
        if len(cases) > limit:
            result.alerts.append(
                Alert(
                    result.rule,
                    f"{actor} opened {len(cases)} cases outside their caseload on {day:%-d %B %Y}",
                    "Cases: " + ", ".join(sorted(cases)),
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
        Subject.objects.filter(restricted=True, subject_id__in={r[2] for r in rows}).values_list(
            "subject_id", flat=True
        )
    )
    rows = [r for r in rows if r[2] in restricted]
    allocations = _allocations({r[0] for r in rows})
    for actor, case_id, subject_id, when, decision in sorted(rows, key=lambda r: r[3]):
        if not _allocated(allocations, actor, case_id, timezone.localdate(when)):
            result.alerts.append(
                Alert(
                    result.rule,
                    f"{actor}: {decision} access to case {case_id} (restricted subject "
                    f"{subject_id})",
                    f"At {timezone.localtime(when):%-d %B %Y %H:%M}. They are not allocated.",
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
    counts = Counter(
        BreakGlass.objects.filter(
            started_at__gt=now - dt.timedelta(days=7), started_at__lte=now
        ).values_list("staff__staff_id", flat=True)
    )
    for staff_id, count in sorted(counts.items()):
        if count > limit:
            result.alerts.append(
                Alert(result.rule, f"{staff_id} used break-glass {count} times in 7 days", "")
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
    rows = [r for r in _case_access(since, now) if r[4] == AuditEntry.Decision.ALLOWED]
    ends = dict(
        StaffMember.objects.filter(
            staff_id__in={r[0] for r in rows}, end_date__isnull=False
        ).values_list("staff_id", "end_date")
    )
    seen: dict[str, set[str]] = defaultdict(set)
    for actor, case_id, _, when, _ in rows:
        end = ends.get(actor)
        if end is not None and 0 <= (end - timezone.localdate(when)).days <= days:
            seen[actor].add(case_id)
    for actor, cases in sorted(seen.items()):
        result.alerts.append(
            Alert(
                result.rule,
                f"{actor} (leaving {ends[actor]:%-d %B %Y}) opened {len(cases)} case(s)",
                "Cases: " + ", ".join(sorted(cases)),
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
        ).values_list("source_address", flat=True)
    )
    if len(failures) >= limit:
        top = Counter(failures).most_common(3)
        result.alerts.append(
            Alert(
                result.rule,
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
        title=lambda e: f"{e.object_type} {e.object_id}: integrity check failed",
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
        title=lambda e: f"{e.object_id} was slowed down after repeated refusals",
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
        title=lambda e: f"{e.object_id}: a second person approved new access rights",
    )


def _each_recorded(
    now: dt.datetime,
    *,
    rule: str,
    name: str,
    action: str,
    title: Callable[[AuditEntry], str],
) -> RuleResult:
    """One alert for each `action` entry in the lookback window, newest first (at most 50)."""
    days = conf.setting("SAFEKEEP_ALERT_LOOKBACK_DAYS")
    result = RuleResult(rule, name, f"any in the last {days} days")
    entries = AuditEntry.objects.filter(
        action=action,
        occurred_at__gt=now - dt.timedelta(days=days),
        occurred_at__lte=now,
    ).order_by("-occurred_at")
    for entry in entries[:50]:
        when = f"{timezone.localtime(entry.occurred_at):%-d %B %Y %H:%M}"
        result.alerts.append(Alert(rule, f"{title(entry)} at {when}", "; ".join(entry.reasons)))
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
