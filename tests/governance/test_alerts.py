"""Each anomaly rule fires above its threshold, stays quiet below it, and is configurable."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from safekeep.audit.writing import Origin, audit_event
from safekeep.crypto import envelope
from safekeep.crypto.envelope import KeyRef
from safekeep.governance import alerts, conf
from safekeep.records.models import BreakGlass
from tests.factories import make_case, make_staff

pytestmark = pytest.mark.django_db


def open_case(actor: str, case: Any, decision: str = "allowed") -> None:
    audit_event(
        origin=Origin(actor_staff_id=actor),
        action="case.view",
        decision=decision,
        object_type="case",
        object_id=case.case_id,
        subject_id=case.subject.subject_id,
    )


def named(staff: Any) -> str:
    """How an alert names a practitioner: name and role, not the staff id."""
    return f"{staff.full_name} (Practitioner, {staff.team.name})"


def test_many_cases_outside_caseload_in_a_day(settings: Any) -> None:
    settings.SAFEKEEP_ALERT_OUTSIDE_CASELOAD_PER_DAY = 3
    staff = make_staff()
    own = [make_case(allocated=(staff,)) for _ in range(5)]
    others = [make_case() for _ in range(3)]
    for case in own + others:
        open_case(staff.staff_id, case)
    assert alerts.outside_caseload(timezone.now()).alerts == []  # 3 is not more than 3
    extra = make_case()
    open_case(staff.staff_id, extra)
    open_case(staff.staff_id, extra)  # the same case twice counts once
    found = alerts.outside_caseload(timezone.now()).alerts
    assert len(found) == 1
    assert found[0].title.startswith(f"{named(staff)} opened 4 cases outside their caseload on ")
    settings.SAFEKEEP_ALERT_OUTSIDE_CASELOAD_PER_DAY = 4
    assert alerts.outside_caseload(timezone.now()).alerts == []


def test_restricted_subject_accessed_by_someone_not_allocated() -> None:
    allocated, other = make_staff(), make_staff()
    case = make_case(restricted=True, allocated=(allocated,))
    open_case(allocated.staff_id, case)
    open_case(other.staff_id, make_case())  # not restricted
    assert alerts.restricted_access(timezone.now()).alerts == []
    open_case(other.staff_id, case, decision="refused")
    found = alerts.restricted_access(timezone.now()).alerts
    assert [a.title for a in found] == [
        f"{named(other)}: refused access to case {case.case_id} (restricted subject "
        f"{case.subject.subject_id})"
    ]


def test_break_glass_more_than_n_times_a_week(settings: Any) -> None:
    settings.SAFEKEEP_ALERT_BREAK_GLASS_PER_WEEK = 2
    staff = make_staff()
    now = timezone.now()
    for days_ago in (1, 2, 10):
        BreakGlass.objects.create(
            case=make_case(),
            staff=staff,
            reason="emergency",
            started_at=now - dt.timedelta(days=days_ago),
            expires_at=now - dt.timedelta(days=days_ago) + dt.timedelta(hours=4),
        )
    assert alerts.break_glass_use(now).alerts == []
    BreakGlass.objects.create(
        case=make_case(),
        staff=staff,
        reason="emergency",
        started_at=now,
        expires_at=now + dt.timedelta(hours=4),
    )
    assert [a.title for a in alerts.break_glass_use(now).alerts] == [
        f"{named(staff)} used break-glass 3 times in 7 days"
    ]


def test_access_by_someone_whose_end_date_is_near(settings: Any) -> None:
    today = timezone.localdate()
    leaving = make_staff(end_date=today + dt.timedelta(days=14))
    later = make_staff(end_date=today + dt.timedelta(days=15))
    case = make_case()
    open_case(leaving.staff_id, case)
    open_case(later.staff_id, case)
    found = alerts.leaver_access(timezone.now()).alerts
    assert len(found) == 1 and found[0].title.startswith(f"{named(leaving)}, leaving ")
    assert found[0].detail == f"Cases: {case.case_id}"
    settings.SAFEKEEP_ALERT_LEAVER_DAYS = 15
    assert len(alerts.leaver_access(timezone.now()).alerts) == 2


def test_sign_in_failure_spike(settings: Any) -> None:
    settings.SAFEKEEP_ALERT_SIGN_IN_FAILURES = 5
    for n in range(4):
        audit_event(
            origin=Origin(source_address="203.0.113.7" if n else "198.51.100.1"),
            action="auth.sign_in",
            decision="refused",
            object_type="account",
        )
    audit_event(origin=Origin(), action="auth.sign_in", decision="done", object_type="account")
    assert alerts.sign_in_failures(timezone.now()).alerts == []
    audit_event(
        origin=Origin(source_address="203.0.113.7"), action="auth.sign_in", decision="refused"
    )
    [alert] = alerts.sign_in_failures(timezone.now()).alerts
    assert alert.title == "5 failed sign-ins in the last 60 minutes"
    assert alert.detail == "Most from: 203.0.113.7 (4), 198.51.100.1 (1)"


def test_thresholds_come_from_the_environment(monkeypatch: Any, settings: Any) -> None:
    monkeypatch.setenv("SAFEKEEP_ALERT_BREAK_GLASS_PER_WEEK", "7")
    assert conf.setting("SAFEKEEP_ALERT_BREAK_GLASS_PER_WEEK") == 7
    monkeypatch.delenv("SAFEKEEP_ALERT_BREAK_GLASS_PER_WEEK")
    assert conf.setting("SAFEKEEP_ALERT_BREAK_GLASS_PER_WEEK") == 2


def test_a_tampered_value_shows_on_the_dashboard_as_an_integrity_failure() -> None:
    assert alerts.integrity_failures(timezone.now()).alerts == []
    case = make_case()
    envelope.report_integrity_failure(
        what="a sealed value", ref=KeyRef.of("case", case.pk), field="body", row="entry:1"
    )
    found = alerts.integrity_failures(timezone.now()).alerts
    assert len(found) == 1
    assert found[0].title.startswith(f"case {case.pk}: integrity check failed at ")
    assert found[0].detail == (
        "a sealed value for row entry:1 field body failed its integrity check"
    )
