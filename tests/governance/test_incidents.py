"""Incidents raised automatically, the ICO's 72-hour clock, the ICO decision, closure, and
who may do what (access/duties.py)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import replace

import pytest
from django.utils import timezone

from safekeep.access import door, duties
from safekeep.access.door import AccessRefused, DutyAccess
from safekeep.access.policy import ActorFacts
from safekeep.audit.models import AuditEntry
from safekeep.devices import services as device_services
from safekeep.devices.models import ITTask
from safekeep.governance import services
from safekeep.governance.models import Incident
from safekeep.governance.selectors import breach_clock, open_breach_clocks
from safekeep.governance.services import IncidentError
from safekeep.organisation.models import StaffMember
from tests.devices.helpers import ORIGIN
from tests.factories import (
    LAPTOP_FACTS,
    TEST_ORIGIN,
    laptop_context,
    make_case,
    make_device,
    make_staff,
    make_team,
)

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")


def london(year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def ig_access(ig: StaffMember | None = None) -> DutyAccess:
    staff = ig or make_staff(roles=("ig_officer",))
    return door.incidents_access(
        staff=staff, incident=None, context=laptop_context(), origin=TEST_ORIGIN
    )


def breach(aware_at: dt.datetime, **fields: object) -> Incident:
    return services.incident_record(
        access=ig_access(),
        category="data_breach",
        occurred_on=aware_at.astimezone(LONDON).date(),
        summary="Case notes emailed to the wrong school",
        aware_at=aware_at,
        **fields,  # type: ignore[arg-type]
    )


# --- raised automatically ---------------------------------------------------------------


@pytest.mark.parametrize("status", ["lost", "stolen"])
def test_a_device_reported_lost_or_stolen_opens_an_incident(status: str):
    owner = make_staff()
    phone = make_device(device_type="smartphone", staff=owner)
    task = device_services.device_report_missing(
        origin=ORIGIN, device=phone, status=status, reporter=owner
    )
    incident = Incident.objects.get()
    assert incident.category == f"{status}_device"
    assert (incident.source, incident.device, incident.it_task) == ("automatic", phone, task)
    assert (incident.staff, incident.staff_ref, incident.reported_by) == (
        owner,
        owner.staff_id,
        owner,
    )
    assert incident.occurred_on == incident.reported_on == timezone.localdate()
    assert incident.summary == f"council phone {phone.asset_tag} reported {status}"
    entries = AuditEntry.objects.order_by("id")
    assert [(e.action, e.object_type) for e in entries] == [
        (f"device.report_{status}", "device"),
        ("incident.raise", "incident"),
    ]
    assert entries[1].object_id == str(incident.pk)
    assert entries[1].reasons == [
        f"{status}_device",
        "source: automatic",
        f"involving {owner.staff_id}",
        f"device {phone.asset_tag}",
    ]


def test_an_unencrypted_laptop_used_off_site_opens_one_incident_through_the_door():
    worker = make_staff()
    case = make_case(allocated=(worker,))
    laptop = make_device(staff=worker, encrypted="no", on_site=False)
    facts = replace(LAPTOP_FACTS, encrypted="no", on_site=False, asset_tag=laptop.asset_tag)
    context = replace(laptop_context(), device=facts)
    for _ in range(2):
        with pytest.raises(AccessRefused):
            door.case_access(
                staff=worker, case_id=case.case_id, action="view", context=context, origin=ORIGIN
            )
    incident = Incident.objects.get()
    assert (incident.category, incident.source) == ("unencrypted_device_removed", "automatic")
    assert (incident.device, incident.staff) == (laptop, worker)
    assert incident.it_task == ITTask.objects.get(cause="unencrypted_device_removed")
    assert AuditEntry.objects.filter(action="incident.raise").count() == 1
    # Once IT has dealt with it, the next time opens a new incident.
    ITTask.objects.update(status="done")
    with pytest.raises(AccessRefused):
        door.case_access(
            staff=worker, case_id=case.case_id, action="view", context=context, origin=ORIGIN
        )
    assert Incident.objects.count() == 2


# --- the ICO clock ------------------------------------------------------------------------


def test_the_clock_runs_72_hours_across_midnight():
    incident = Incident(category="data_breach", aware_at=london(2026, 11, 20, 23, 30))
    clock = breach_clock(incident, now=london(2026, 11, 21, 0, 15))
    assert clock is not None
    assert clock.deadline == london(2026, 11, 23, 23, 30)
    assert (clock.hours_left, clock.overdue, clock.words) == (71, False, "71 hours 15 minutes left")


def test_the_clock_counts_real_hours_across_the_october_clock_change():
    # Aware at 09:00 BST on Saturday 24 October 2026; the clocks go back at 02:00 on the 25th.
    incident = Incident(category="data_breach", aware_at=london(2026, 10, 24, 9, 0))
    clock = breach_clock(incident, now=london(2026, 10, 25, 9, 0))
    assert clock is not None
    # 72 real hours end at 08:00 GMT on the 27th: an hour earlier on the wall clock.
    assert timezone.localtime(clock.deadline).strftime("%Y-%m-%d %H:%M %Z") == (
        "2026-10-27 08:00 GMT"
    )
    # 25 hours have passed between 09:00 BST and 09:00 GMT the next day.
    assert (clock.hours_left, clock.words) == (47, "47 hours left")


def test_an_overdue_breach_is_flagged_and_the_dashboard_lists_open_clocks_nearest_first():
    now = timezone.now()
    late = breach(now - dt.timedelta(hours=75, minutes=10))
    soon = breach(now - dt.timedelta(hours=70))
    decided = breach(now - dt.timedelta(hours=10))
    services.incident_ico_decide(
        access=ig_access(),
        incident=decided,
        decision="report",
        reasons="Health details of a child sent to a stranger",
    )
    services.incident_record(
        access=ig_access(), category="other", occurred_on=now.date(), summary="Not a breach"
    )
    clocks = open_breach_clocks(now)
    assert [c.incident.pk for c in clocks] == [late.pk, soon.pk]
    overdue, running = clocks
    assert (overdue.overdue, overdue.hours_left, overdue.words) == (
        True,
        -3,
        "overdue by 3 hours 10 minutes",
    )
    assert (running.overdue, running.hours_left, running.words) == (False, 2, "2 hours left")


def test_a_breach_needs_the_moment_the_council_became_aware():
    with pytest.raises(IncidentError, match=r"^Enter when the council became aware") as caught:
        services.incident_record(
            access=ig_access(),
            category="data_breach",
            occurred_on=timezone.localdate(),
            summary="Wrong address",
        )
    assert caught.value.field == "aware_at"
    assert not Incident.objects.exists()


# --- the ICO decision, actions, closure ------------------------------------------------------


def test_the_ico_decision_is_recorded_with_who_when_and_why_and_audited():
    ig = make_staff(roles=("ig_officer",))
    incident = breach(timezone.now() - dt.timedelta(hours=5))
    with pytest.raises(IncidentError, match="at least 20 characters"):
        services.incident_ico_decide(
            access=ig_access(ig), incident=incident, decision="not_report", reasons="Low risk"
        )
    services.incident_ico_decide(
        access=ig_access(ig),
        incident=incident,
        decision="not_report",
        reasons="Recalled unopened within the hour; no risk to anyone's rights",
    )
    incident.refresh_from_db()
    assert (incident.ico_decision, incident.ico_decided_by) == ("not_report", ig)
    assert incident.ico_reasons == "Recalled unopened within the hour; no risk to anyone's rights"
    assert incident.ico_decided_at is not None
    clock = breach_clock(incident)
    assert clock is not None and clock.words == "decided 5 hours after becoming aware"
    entry = AuditEntry.objects.get(action="incident.ico_decision")
    assert (entry.actor_staff_id, entry.object_id) == (ig.staff_id, str(incident.pk))
    assert entry.reasons == ["not_report", "within 72 hours of becoming aware"]
    assert open_breach_clocks() == []
    with pytest.raises(IncidentError, match=r"^The ICO decision for this breach is already"):
        services.incident_ico_decide(
            access=ig_access(ig), incident=incident, decision="report", reasons="x" * 30
        )


def test_a_late_decision_says_so_in_the_audit_log():
    incident = breach(timezone.now() - dt.timedelta(hours=80))
    services.incident_ico_decide(
        access=ig_access(), incident=incident, decision="report", reasons="Reported late, sorry"
    )
    reasons = AuditEntry.objects.get(action="incident.ico_decision").reasons
    assert reasons[0] == "report"
    assert reasons[1] == "after the 72-hour deadline: decided 80 hours after becoming aware"


def test_only_a_breach_has_an_ico_decision():
    incident = services.incident_record(
        access=ig_access(), category="lost_device", occurred_on=timezone.localdate(), summary="x"
    )
    with pytest.raises(IncidentError, match=r"^Only a data breach"):
        services.incident_ico_decide(
            access=ig_access(), incident=incident, decision="report", reasons="x" * 30
        )


def test_actions_and_closure_record_who_and_when_and_a_closed_incident_stays_closed():
    ig = make_staff(roles=("ig_officer",))
    incident = breach(timezone.now() - dt.timedelta(hours=1))
    action = services.incident_action_add(
        access=ig_access(ig), incident=incident, text="Asked the school to delete it"
    )
    assert (action.taken_by, action.text) == (ig, "Asked the school to delete it")
    with pytest.raises(IncidentError, match=r"^Record whether the breach is reported"):
        services.incident_close(access=ig_access(ig), incident=incident, outcome="Deleted")
    services.incident_ico_decide(
        access=ig_access(ig),
        incident=incident,
        decision="not_report",
        reasons="Deleted unread, confirmed in writing",
    )
    services.incident_close(access=ig_access(ig), incident=incident, outcome="Deleted unread")
    incident.refresh_from_db()
    assert (incident.closed_by, incident.outcome, incident.is_open) == (ig, "Deleted unread", False)
    with pytest.raises(IncidentError, match=r"^This incident is closed"):
        services.incident_action_add(access=ig_access(ig), incident=incident, text="More")
    assert [e.action for e in AuditEntry.objects.order_by("id")] == [
        "incident.record",
        "incident.action",
        "incident.ico_decision",
        "incident.close",
    ]


def test_assessing_records_what_changed_and_awareness_is_fixed_once_decided():
    incident = breach(timezone.now() - dt.timedelta(hours=3))
    earlier = timezone.now() - dt.timedelta(hours=4)
    services.incident_update(
        access=ig_access(), incident=incident, severity="high", what_happened="", aware_at=earlier
    )
    incident.refresh_from_db()
    assert (incident.severity, incident.aware_at) == ("high", earlier)
    entry = AuditEntry.objects.get(action="incident.update")
    assert entry.reasons == ["changed: severity, aware_at"]
    services.incident_ico_decide(
        access=ig_access(), incident=incident, decision="report", reasons="High risk to a family"
    )
    with pytest.raises(IncidentError, match="can no longer change"):
        services.incident_update(
            access=ig_access(),
            incident=incident,
            severity="high",
            what_happened="",
            aware_at=timezone.now(),
        )


# --- who may do what --------------------------------------------------------------------------


TODAY = dt.date(2026, 11, 23)


def actor(*roles: str, managed: frozenset[int] = frozenset(), **fields: object) -> ActorFacts:
    return ActorFacts(
        staff_pk=1,
        roles=frozenset(roles),
        employment_type="employee",
        managed_team_ids=managed,
        **fields,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        (actor("ig_officer"), True),
        (actor("ig_officer", end_date=dt.date(2026, 11, 22)), False),
        (actor("team_manager", managed=frozenset({7})), False),
        (actor("it_support"), False),
        (actor("sysadmin"), False),
        (actor("practitioner"), False),
    ],
)
def test_only_information_governance_runs_incidents(who: ActorFacts, allowed: bool):
    decision = duties.may_run_incidents(who, TODAY)
    assert decision.allowed is allowed
    if not allowed:
        assert decision.reasons == ("only information governance can see and work on incidents",)


@pytest.mark.parametrize(
    ("who", "team", "allowed"),
    [
        (actor("team_manager", managed=frozenset({7})), 7, True),
        (actor("team_manager", managed=frozenset({7})), None, True),
        (actor("team_manager", managed=frozenset({7})), 8, False),
        (actor("team_manager", managed=frozenset({7}), disabled=True), 7, False),
        (actor("ig_officer"), 8, True),
        (actor("practitioner"), 7, False),
        (actor("practitioner"), None, False),
        (actor("centre_manager"), 7, False),
    ],
)
def test_a_team_manager_reports_about_their_own_team(
    who: ActorFacts, team: int | None, allowed: bool
):
    decision = duties.may_report_incident(who, duties.IncidentReportFacts(team), TODAY)
    assert decision.allowed is allowed


def test_the_door_refuses_and_records_it():
    practitioner = make_staff()
    with pytest.raises(AccessRefused) as refused:
        door.incidents_access(
            staff=practitioner, incident=None, context=laptop_context(), origin=TEST_ORIGIN
        )
    assert refused.value.title == "You cannot see or work on incidents"
    manager = make_staff(roles=("team_manager",))
    outsider = make_staff(team=make_team())
    with pytest.raises(AccessRefused):
        door.incident_report_access(
            staff=manager, involved=outsider, context=laptop_context(), origin=TEST_ORIGIN
        )
    entries = AuditEntry.objects.order_by("id")
    assert [(e.action, e.decision, e.object_id) for e in entries] == [
        ("staff.run_incidents", "refused", practitioner.staff_id),
        ("staff.report_incident", "refused", outsider.staff_id),
    ]
    assert entries[1].reasons == [
        "only the manager of a person's team, or information governance, can report an "
        "incident about them here"
    ]
