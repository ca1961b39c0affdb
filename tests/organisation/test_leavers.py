"""The leaver workflow: after a person's last working day and `safekeep run-jobs`, every door
is shut to them, whatever their employment type, and what someone must still do for them
(devices to recover, cases to reallocate, and whatever another app registers) is on their
checklist until it is done. Someone whose end date is still ahead has nothing listed."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from safekeep.access.vocabulary import Duty
from safekeep.accounts.models import User
from safekeep.accounts.standing import account_may_act
from safekeep.api.models import ApiToken
from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import Origin
from safekeep.devices import services as device_services
from safekeep.devices.context import hash_secret
from safekeep.devices.models import Device, DeviceCredential
from safekeep.organisation import leaving
from safekeep.organisation.leaving import LeaverItem, leaver_checklist, register_leaver_items
from safekeep.organisation.models import Leaving, StaffMember
from safekeep.organisation.services import StaffDetails, staff_end, staff_update
from safekeep.records import services as record_services
from safekeep.records.models import AccessGrant, Allocation, BreakGlass, Case
from tests.factories import (
    PASSWORD,
    case_access,
    device_token,
    make_api_token,
    make_case,
    make_device,
    make_grant,
    make_staff,
    make_team,
    make_user,
    sign_in,
)

pytestmark = pytest.mark.django_db
ORIGIN = Origin.command("test-leavers")
EMPLOYMENT_TYPES = ("employee", "agency", "contractor", "volunteer")


@pytest.fixture
def door_codes() -> Iterator[list[StaffMember]]:
    """A provider as the sites app registers one: a door code each leaver held."""
    asked: list[StaffMember] = []

    def codes(staff: StaffMember) -> list[LeaverItem]:
        asked.append(staff)
        return [
            LeaverItem(
                "door_code",
                done=False,
                label="Main entrance code at Hillside",
                detail={"site_id": "CC01", "door": "main entrance", "due": "2026-12-01"},
            )
        ]

    register_leaver_items("test-door-codes")(codes)
    yield asked
    leaving._providers.pop("test-door-codes")


@dataclass
class Person:
    staff: StaffMember
    user: User
    client: Client  # signed in before they left
    token: str
    device: Device  # council laptop in their hands, with a credential
    credential: str
    case: Case


def _person(employment_type: str, end_date: dt.date, *, team: Any) -> Person:
    staff = make_staff(team=team, employment_type=employment_type, end_date=end_date)
    user = make_user(staff)
    case = make_case(team=team, allocated=(staff,))
    device = make_device(staff=staff)
    credential = device_token(device)
    client = sign_in(Client(), user, device=device)
    token = make_api_token(user)  # made while they were still in post
    now = timezone.now()
    other = make_case(team=team)
    make_grant(
        other, staff, starts_at=now, expires_at=now + dt.timedelta(days=5), status="approved"
    )
    BreakGlass.objects.create(
        case=other,
        staff=staff,
        reason="r" * 20,
        started_at=now,
        expires_at=now + dt.timedelta(hours=1),
    )
    return Person(staff, user, client, token, device, credential, case)


def _run_jobs() -> str:
    out = StringIO()
    call_command("run_jobs", "--only", "leavers", stdout=out)
    return out.getvalue()


def _paths(patterns: list[Any], prefix: str, values: dict[str, str]) -> Iterator[str]:
    """A path for every URL route, its parameters filled in from `values` (or made up)."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _paths(pattern.url_patterns, prefix + str(pattern.pattern), values)
        elif isinstance(pattern, URLPattern):
            route = str(pattern.pattern).lstrip("^").rstrip("$")
            yield "/" + re.sub(
                r"<(?:(\w+):)?(\w+)>",
                lambda m: values.get(m.group(2), "1" if m.group(1) == "int" else str(uuid.uuid4())),
                prefix + route,
            ).lstrip("/")


def _answer(client: Client, method: str, path: str, headers: dict[str, str]) -> tuple[int, str]:
    send = client.get if method == "GET" else client.post
    response = send(path, headers=headers)
    return response.status_code, response.get("Location", "").split("?")[0]


@pytest.mark.parametrize("employment_type", EMPLOYMENT_TYPES)
def test_after_the_end_date_and_run_jobs_every_door_is_shut(
    employment_type: str, door_codes: list[StaffMember]
) -> None:
    team = make_team(f"Leavers {employment_type}")
    today = timezone.localdate()
    leaver = _person(employment_type, today - dt.timedelta(days=1), team=team)
    staying = _person(employment_type, today + dt.timedelta(days=10), team=team)

    said = _run_jobs()
    assert f"1 leavers processed: {leaver.staff.staff_id}" in said
    assert _run_jobs().strip().startswith("leavers: nothing due")  # idempotent

    # Sign-in, sessions, tokens, device credentials: all ended.
    leaver.user.refresh_from_db()
    assert not leaver.user.is_active
    assert not account_may_act(leaver.user, timezone.now()).may_act
    assert not Client().login(username=leaver.user.username, password=PASSWORD)
    assert ApiToken.objects.get(user=leaver.user).revoked_at is not None
    assert not DeviceCredential.objects.filter(
        token_hash=hash_secret(leaver.credential), revoked_at__isnull=True
    ).exists()
    # Grants and break-glass ended; the allocation ended on the last working day.
    assert not AccessGrant.objects.filter(grantee=leaver.staff, status="approved").exists()
    assert not BreakGlass.objects.filter(staff=leaver.staff, expires_at__gt=timezone.now()).exists()
    allocation = Allocation.objects.get(staff=leaver.staff, case=leaver.case)
    assert (allocation.ends_on, allocation.needs_reallocation) == (leaver.staff.end_date, True)

    # Every page and API route answers the leaver, with their old session, token and device
    # credential, exactly as it answers a stranger with none.
    values = {
        "staff_id": leaver.staff.staff_id,
        "case_id": leaver.case.case_id,
        "asset_tag": leaver.device.asset_tag,
    }
    headers = {"Authorization": f"Bearer {leaver.token}", "X-Safekeep-Device": leaver.credential}
    paths = sorted(set(_paths(get_resolver().url_patterns, "", values)))
    stranger = Client()  # one client: each new one loads the middleware again
    assert len(paths) > 40
    for path in paths:
        for method in ("GET", "POST"):
            theirs = _answer(leaver.client, method, path, headers)
            strangers = _answer(stranger, method, path, {})
            assert theirs == strangers, (method, path)
            assert (
                theirs[0] != 200 or path in ("/", "/accounts/sign-in/") or (strangers[0] == 200)
            ), (method, path)

    # Their checklist: done, and outstanding items by name (the door-code provider too).
    checklist = leaver_checklist(leaver.staff)
    assert checklist.as_json() == {
        "staff_id": leaver.staff.staff_id,
        "left_on": (today - dt.timedelta(days=1)).isoformat(),
        "employment_type": employment_type,
        "done": ["api_tokens", "device_credentials", "grants", "sessions", "sign_in"],
        "outstanding": [
            {"item": "device", "asset_tag": leaver.device.asset_tag},
            {"item": "door_code", "site_id": "CC01", "door": "main entrance", "due": "2026-12-01"},
            {"item": "reallocate", "case_id": leaver.case.case_id},
        ],
    }

    # Nothing is listed, or ended, for someone whose end date is still ahead.
    out = StringIO()
    call_command("leavers", "--json", stdout=out)
    listed = json.loads(out.getvalue())
    assert [row["staff_id"] for row in listed] == [leaver.staff.staff_id]
    assert staying.staff not in door_codes
    staying.user.refresh_from_db()
    assert staying.user.is_active and not Leaving.objects.filter(staff=staying.staff).exists()
    assert staying.client.get("/cases/").status_code == 200


def test_the_checklist_closes_item_by_item() -> None:
    team = make_team("Closing")
    today = timezone.localdate()
    leaver = _person("agency", today - dt.timedelta(days=2), team=team)
    _run_jobs()
    manager = make_staff(team=team, roles=("team_manager",))
    newcomer = make_staff(team=team)
    it = make_staff(roles=("it_support",))

    device_services.device_returned(origin=ORIGIN, device=leaver.device, recorded_by=it)
    record_services.allocation_create(
        access=case_access(manager, leaver.case, Duty.ALLOCATE),
        worker=newcomer,
        role="allocated_worker",
        starts_on=today,
    )

    checklist = leaver_checklist(leaver.staff)
    assert checklist.outstanding == []
    assert checklist.as_json()["done"] == [
        "api_tokens",
        "device",
        "device_credentials",
        "grants",
        "reallocate",
        "sessions",
        "sign_in",
    ]
    out = StringIO()
    call_command("leavers", "--json", stdout=out)  # still listed: everything done
    assert json.loads(out.getvalue())[0]["outstanding"] == []
    assert AuditEntry.objects.filter(action="device.returned", object_id=leaver.device.asset_tag)


def test_a_manager_ending_someone_now_shuts_every_door_at_once() -> None:
    team = make_team("Now")
    person = _person("contractor", timezone.localdate() + dt.timedelta(days=30), team=team)
    staff_end(origin=ORIGIN, staff=person.staff, end_date=timezone.localdate())
    person.user.refresh_from_db()
    assert not person.user.is_active
    assert person.client.get("/cases/").status_code == 302
    assert Leaving.objects.get(staff=person.staff).left_on == timezone.localdate()
    out = StringIO()
    call_command("leavers", "--json", stdout=out)
    assert json.loads(out.getvalue())[0]["staff_id"] == person.staff.staff_id
    assert "nothing due" in _run_jobs()  # already processed: run-jobs does nothing more
    assert AuditEntry.objects.filter(action="staff.leaver_processed").count() == 1


def test_leavers_as_of_a_day_lists_only_who_had_left_by_then() -> None:
    team = make_team("As of")
    today = timezone.localdate()
    early = _person("employee", today - dt.timedelta(days=20), team=team)
    _person("volunteer", today - dt.timedelta(days=2), team=team)
    _run_jobs()
    out = StringIO()
    as_of = (today - dt.timedelta(days=10)).isoformat()
    call_command("leavers", "--as-of", as_of, "--json", stdout=out)
    assert [row["staff_id"] for row in json.loads(out.getvalue())] == [early.staff.staff_id]
    assert AuditEntry.objects.filter(action="leavers.list", object_id=as_of).exists()


def test_a_move_to_another_team_ends_the_old_teams_work_for_reallocation() -> None:
    old, new = make_team("Old team"), make_team("New team")
    staff = make_staff(team=old)
    case = make_case(team=old, allocated=(staff,))
    now = timezone.now()
    grant = make_grant(
        make_case(team=old), staff, starts_at=now, expires_at=now + dt.timedelta(days=3)
    )
    admin = make_staff(roles=("sysadmin",))
    details = StaffDetails(
        given_name=staff.given_name,
        family_name=staff.family_name,
        email=staff.email,
        team=new,
        roles=frozenset(staff.role_names()),
        employment_type=staff.employment_type,
        works_with_vulnerable_people=staff.works_with_vulnerable_people,
        work_pattern=staff.work_pattern,
        start_date=staff.start_date,
    )
    staff_update(origin=Origin.command("t", staff_id=admin.staff_id), staff=staff, details=details)
    staff.refresh_from_db()
    assert staff.team == new
    allocation = Allocation.objects.get(case=case, staff=staff)
    assert allocation.needs_reallocation
    assert allocation.ends_on is not None and allocation.ends_on < timezone.localdate()
    grant.refresh_from_db()
    assert grant.status == "revoked"
