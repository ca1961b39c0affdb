"""The audit log as IG pages show it: people by name and role, actions in words, times in
the council's time zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse

from safekeep.access import wording
from safekeep.audit.models import AuditEntry
from safekeep.governance.selectors import log_rows
from safekeep.records.models import BreakGlass
from tests.factories import (
    case_access,
    laptop_context,
    make_case,
    make_staff,
    make_team,
    make_user,
    sign_in,
)

LONDON = zoneinfo.ZoneInfo("Europe/London")

pytestmark = pytest.mark.django_db


def looked(actor: str, when: dt.datetime, decision: str = "allowed") -> AuditEntry:
    return AuditEntry.objects.create(
        occurred_at=when,
        actor_staff_id=actor,
        action="case.view",
        object_type="case",
        object_id="C000001",
        subject_id="P000001",
        decision=decision,
    )


def test_who_looked_at_a_childs_file_in_words_names_and_local_time(client: Client) -> None:
    team = make_team("Family Support East")
    worker = make_staff(team=team, given_name="Sam", family_name="Jones")
    manager = make_staff(team=team, roles=("practitioner", "team_manager"))
    looked(worker.staff_id, dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.UTC))
    looked(manager.staff_id, dt.datetime(2026, 12, 1, 9, 5, tzinfo=dt.UTC), "refused")
    looked("S-GONE", dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC))
    sign_in(client, make_user(make_staff(roles=("ig_officer",))))

    html = client.get(reverse("audit:subject-report"), {"subject_id": "P000001"}).content.decode()

    assert "2 July 2026 at 12:30am" in html  # 23:30 UTC in summer is the next day in London
    assert "1 December 2026 at 9:05am" in html
    assert "+00:00" not in html and "case.view" not in html
    assert "Sam Jones" in html and f"Practitioner, Family Support East · {worker.staff_id}" in html
    assert "Practitioner and team manager, Family Support East" in html
    assert "Opened the case" in html and "Tried to open the case" in html
    assert "S-GONE" in html  # someone no longer in the directory keeps their id


def test_log_rows_name_people_in_two_queries(django_assert_max_num_queries: object) -> None:
    staff = [make_staff() for _ in range(5)]
    entries = [looked(s.staff_id, dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)) for s in staff]
    with django_assert_max_num_queries(2):  # type: ignore[operator]
        rows = log_rows(entries)
    assert [r.who.name if r.who else "" for r in rows] == [s.full_name for s in staff]
    assert {r.what for r in rows} == {"opened the case"}


def test_reasons_name_times_in_the_councils_zone_not_an_offset() -> None:
    summer = dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.UTC).astimezone(LONDON)
    assert wording.break_glass_until(summer) == "break-glass access until 2 July 2026 at 12:30am"
    worker, case = make_staff(), make_case()
    glass = BreakGlass.objects.create(
        case=case,
        staff=worker,
        reason="emergency: child missing overnight",
        started_at=dt.datetime(2026, 7, 1, 20, 30, tzinfo=dt.UTC),
        expires_at=dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.UTC),
    )
    during = laptop_context(glass.started_at + dt.timedelta(hours=1))
    reasons = case_access(worker, case, context=during).decision.reasons
    assert reasons[0] == "break-glass access until 2 July 2026 at 12:30am"
