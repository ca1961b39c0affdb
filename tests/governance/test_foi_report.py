"""The FOI report's every field, on councils with hidden figures loaded through the CSV imports
only; the 365-day window at its edges; a leaver before and after they left; devices as they
were on a past day; and the council's time zone."""

from __future__ import annotations

import datetime as dt
import json
import random
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from safekeep.audit.writing import Origin
from safekeep.devices.models import Device
from safekeep.devices.services import (
    complaint_log,
    device_report_missing,
    device_retire,
    task_policy_change,
)
from safekeep.organisation.models import StaffMember
from tests.governance.foi_world import (
    DEVICE_TYPES,
    STAFF_HEADER,
    TASKS,
    Clock,
    DeviceRow,
    Person,
    World,
    expected_report,
    load_world,
    london_noon,
    random_world,
    safekeep_import,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)
ORIGIN = Origin.command("test")


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Django's now, at noon in London on TODAY until a test moves it."""
    moving = Clock(london_noon(TODAY))
    monkeypatch.setattr(timezone, "now", moving)
    return moving


def foi_json(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("foi_report", "--format", "json", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("seed", range(6))
def test_every_field_of_a_council_with_hidden_figures(seed: int, tmp_path: Path, clock: Clock):
    world = random_world(random.Random(seed), TODAY)
    load_world(world, tmp_path, clock)
    assert foi_json() == expected_report(world, TODAY)
    # A past day between the two device imports, and one before the register knew anything.
    between = world.registers[1][0] - dt.timedelta(days=1)
    assert foi_json("--as-of", between.isoformat()) == expected_report(world, between)
    before = world.registers[0][0] - dt.timedelta(days=1)
    assert foi_json("--as-of", before.isoformat()) == expected_report(world, before)


def _person(staff_id: str, **changes: object) -> Person:
    person = Person(
        staff_id=staff_id,
        directorate="Family Services",
        employment_type="employee",
        works_with_vulnerable_people=True,
        work_pattern="flexible",
        start_date=dt.date(2020, 1, 6),
        end_date=None,
    )
    for name, value in changes.items():
        setattr(person, name, value)
    return person


def _load(tmp_path: Path, clock: Clock, world: World) -> None:
    load_world(world, tmp_path, clock)


def test_the_365_day_windows_at_their_edges(tmp_path: Path, clock: Clock):
    """Day 365 of the window (364 days before the report's day) is in; day 366 is out; the
    report's own day is in; a day after it is out (for a report on an earlier day)."""
    edge_in = TODAY - dt.timedelta(days=364)
    edge_out = TODAY - dt.timedelta(days=365)
    world = World(
        people=[_person("W1")],
        registers=[],
        complaints=[(TODAY, "W1"), (edge_in, "W1"), (edge_out, "W1")],
        incidents=[
            (TODAY, TODAY, "personal_number_shared", "W1"),
            (edge_in, edge_in, "personal_number_shared", "W1"),
            (edge_out, edge_out, "personal_number_shared", "W1"),
        ],
        as_of=TODAY,
    )
    _load(tmp_path, clock, world)
    report = foi_json()
    assert report["q1e"] == {"complaints_last_12_months": 2}
    assert report["q1g"] == {"incidents_recorded": 3, "last_12_months": 2}
    yesterday = foi_json("--as-of", (TODAY - dt.timedelta(days=1)).isoformat())
    assert yesterday["q1e"] == {"complaints_last_12_months": 2}  # edge_out is day 365 now
    assert yesterday["q1g"] == {"incidents_recorded": 2, "last_12_months": 2}
    a_year_before = foi_json("--as-of", edge_in.isoformat())
    assert a_year_before["q1e"] == {"complaints_last_12_months": 2}  # TODAY's is after it
    assert a_year_before["q1g"] == {"incidents_recorded": 2, "last_12_months": 2}


def test_a_leaver_is_counted_for_a_day_before_they_left_and_not_after(tmp_path: Path, clock: Clock):
    left = TODAY - dt.timedelta(days=30)
    world = World(
        people=[
            _person("L1", end_date=left, directorate="Adults and Health"),
            _person("L2"),
            _person("L3", start_date=TODAY - dt.timedelta(days=10)),  # a new starter
        ],
        registers=[
            (TODAY - dt.timedelta(days=60), [DeviceRow("TAB-1", "tablet", "council", "L1")]),
        ],
        complaints=[(left - dt.timedelta(days=5), "L1")],
        incidents=[(left - dt.timedelta(days=5), left, "personal_number_shared", "L1")],
        as_of=TODAY,
    )
    _load(tmp_path, clock, world)
    now = foi_json()
    assert now["q1a"] == {"total": 2, "by_directorate": {"Family Services": 2}}
    assert now["q1c"] == {"provided_device_types": []}  # the leaver's tablet is not counted
    assert now["q1e"] == {"complaints_last_12_months": 0}
    assert now["q1g"] == {"incidents_recorded": 0, "last_12_months": 0}
    on_their_last_day = foi_json("--as-of", left.isoformat())
    assert on_their_last_day["q1a"] == {
        "total": 2,
        "by_directorate": {"Adults and Health": 1, "Family Services": 1},
    }
    assert on_their_last_day["q1c"] == {"provided_device_types": ["tablet"]}
    assert on_their_last_day["q1e"] == {"complaints_last_12_months": 1}
    assert on_their_last_day["q1g"] == {"incidents_recorded": 1, "last_12_months": 1}
    the_day_after = foi_json("--as-of", (left + dt.timedelta(days=1)).isoformat())
    assert the_day_after["q1a"]["total"] == 1
    for day in [left, left + dt.timedelta(days=1), TODAY]:
        assert foi_json("--as-of", day.isoformat()) == expected_report(world, day)


def test_devices_as_they_were_lost_retired_and_handed_on(tmp_path: Path, clock: Clock):
    """A device lost, one retired and one handed to someone office based: each counts until
    the day it changed, and not from then on."""
    world = World(
        people=[_person("D1"), _person("D2", work_pattern="office")],
        registers=[
            (
                TODAY - dt.timedelta(days=100),
                [
                    DeviceRow("PHN-1", "smartphone", "council", "D1"),
                    DeviceRow("DSK-1", "desktop", "council", "D1"),
                    DeviceRow("LAP-1", "laptop", "council", "D1"),
                    DeviceRow("BPH-1", "basic_phone", "personal", "D1"),
                ],
            ),
            (TODAY - dt.timedelta(days=20), [DeviceRow("LAP-1", "laptop", "council", "D2")]),
        ],
        complaints=[],
        incidents=[],
        as_of=TODAY,
    )
    _load(tmp_path, clock, world)
    clock.at(TODAY - dt.timedelta(days=50))
    device_report_missing(
        origin=ORIGIN, device=Device.objects.get(asset_tag="PHN-1"), status="lost", reporter=None
    )
    clock.at(TODAY - dt.timedelta(days=10))
    device_retire(origin=ORIGIN, device=Device.objects.get(asset_tag="DSK-1"))
    clock.at(TODAY)

    def types(days_ago: int) -> list[str]:
        day = (TODAY - dt.timedelta(days=days_ago)).isoformat()
        return foi_json("--as-of", day)["q1c"]["provided_device_types"]

    assert types(101) == []
    assert types(100) == ["desktop", "laptop", "smartphone"]
    assert types(51) == ["desktop", "laptop", "smartphone"]
    assert types(50) == ["desktop", "laptop"]
    assert types(21) == ["desktop", "laptop"]
    assert types(20) == ["desktop"]
    assert types(11) == ["desktop"]
    assert types(10) == []
    assert not any(foi_json()["q1d"].values())


def test_a_complaint_at_half_past_eleven_london_time_on_the_last_day(tmp_path: Path, clock: Clock):
    """Summer time: 23:30 in London is 22:30 UTC; 00:30 the next day in London is still 23:30
    UTC on the last day. Days are the council's days, not UTC's."""
    last_day = dt.date(2026, 6, 30)
    clock.at(last_day)
    safekeep_import(tmp_path, "staff", STAFF_HEADER, [_person("T1").row()])
    staff = StaffMember.objects.get(staff_id="T1")
    clock.at(last_day, 23, 30)
    complaint_log(origin=ORIGIN, staff=staff, category="access_problem", summary="VPN down")
    clock.at(last_day + dt.timedelta(days=1), 0, 30)
    assert timezone.now().astimezone(dt.UTC).date() == last_day
    complaint_log(origin=ORIGIN, staff=staff, category="training", summary="Printer release")

    on_the_last_day = foi_json("--as-of", last_day.isoformat())
    assert on_the_last_day["q1e"] == {"complaints_last_12_months": 1}
    today_in_london = foi_json()  # no --as-of: today in London, 1 July
    assert today_in_london["as_of"] == "2026-07-01"
    assert today_in_london["q1e"] == {"complaints_last_12_months": 2}
    clock.at(last_day + dt.timedelta(days=400))
    a_year_on = foi_json("--as-of", (last_day + dt.timedelta(days=364)).isoformat())
    assert a_year_on["q1e"] == {"complaints_last_12_months": 2}
    past_the_year = foi_json("--as-of", (last_day + dt.timedelta(days=365)).isoformat())
    assert past_the_year["q1e"] == {"complaints_last_12_months": 1}


def test_only_active_employees_who_work_with_vulnerable_people_count(tmp_path: Path, clock: Clock):
    people = [
        _person("E1"),
        _person("E2", work_pattern="office"),  # 1a, not 1b
        _person("E3", employment_type="agency"),
        _person("E4", employment_type="contractor"),
        _person("E5", employment_type="volunteer"),
        _person("E6", works_with_vulnerable_people=False),
        _person("E7", start_date=TODAY + dt.timedelta(days=1)),
    ]
    world = World(
        people=people,
        registers=[
            (
                TODAY,
                [DeviceRow("A1", "laptop", "council", "E1")]
                + [DeviceRow(f"A{n}", "desktop", "council", f"E{n}") for n in range(2, 8)],
            )
        ],
        complaints=[(TODAY, f"E{n}") for n in range(1, 7)],
        incidents=[(TODAY, TODAY, "personal_number_shared", f"E{n}") for n in range(1, 7)],
        as_of=TODAY,
    )
    _load(tmp_path, clock, world)
    report = foi_json()
    assert report == expected_report(world, TODAY)
    assert report["q1a"] == {"total": 2, "by_directorate": {"Family Services": 2}}
    assert report["q1b"] == {"remote_or_flexible": 1}
    assert report["q1c"] == {"provided_device_types": ["laptop"]}
    assert report["q1e"] == {"complaints_last_12_months": 1}
    assert report["q1g"] == {"incidents_recorded": 1, "last_12_months": 1}


def test_the_task_policy_in_force_on_the_day(tmp_path: Path, clock: Clock):
    """1d and 1f read the task policy as it stood at the end of the day asked about."""
    world = World(
        people=[_person("P1")],
        registers=[
            (TODAY - dt.timedelta(days=40), [DeviceRow("LAP-1", "laptop", "council", "P1")])
        ],
        complaints=[],
        incidents=[],
        as_of=TODAY,
    )
    _load(tmp_path, clock, world)
    changed = TODAY - dt.timedelta(days=10)
    clock.at(changed, 23, 30)
    task_policy_change(
        origin=ORIGIN,
        changed_by=None,
        ownership="council",
        device_type="laptop",
        rules={"personal_use": ("prevented", "")},
        reason="No personal use of council laptops",
    )
    for device_type in DEVICE_TYPES:
        task_policy_change(
            origin=ORIGIN,
            changed_by=None,
            ownership="personal",
            device_type=device_type,
            rules={task: ("prevented", "") for task in TASKS},
            reason="No work on personal devices",
        )
    clock.at(TODAY)
    before = foi_json("--as-of", (changed - dt.timedelta(days=1)).isoformat())
    assert before["q1d"]["personal_use"] is True
    assert before["q1f"]["answer"] == "prevent_some"
    after = foi_json("--as-of", changed.isoformat())
    assert after["q1d"] == {task: task != "personal_use" for task in TASKS}
    assert after["q1f"] == {
        "answer": "prevent_all",
        "prevented_tasks": sorted(TASKS),
        "conditional_tasks": [],
    }
