"""The device register's history: every way of writing a device records how it stood, one
row per day at most, and `on(day)` reads it back (docs/devices.md, "History")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safekeep.core.csv_import import ImportOptions, run_import
from safekeep.devices.models import Device, DeviceHistory
from safekeep.devices.services import device_assign, device_report_missing, device_retire
from tests.devices.helpers import ORIGIN, make_device
from tests.factories import make_staff
from tests.governance.foi_world import Clock, london_noon
from tests.migrating import models_at

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)
BEFORE = [("devices", "0004_device_incidents_moved_to_governance")]
AFTER = [("devices", "0005_device_history")]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    moving = Clock(london_noon(DAY))
    monkeypatch.setattr(timezone, "now", moving)
    return moving


def rows(tag: str) -> list[tuple[dt.date, dt.date | None, str | None, str]]:
    history = DeviceHistory.objects.filter(device__asset_tag=tag).select_related("assigned_staff")
    return [
        (
            row.starts_on,
            row.ends_on,
            row.assigned_staff.staff_id if row.assigned_staff else None,
            row.status,
        )
        for row in history
    ]


def test_each_change_closes_a_row_and_a_second_change_that_day_rewrites_it(clock: Clock):
    ann, bob = make_staff(staff_id="ANN"), make_staff(staff_id="BOB")
    laptop = make_device(asset_tag="LAP-1", assigned_staff=ann)
    assert rows("LAP-1") == [(DAY, None, "ANN", "active")]
    laptop.os_version = "11 24H2"
    laptop.save()  # not a field the history follows
    assert rows("LAP-1") == [(DAY, None, "ANN", "active")]
    later = DAY + dt.timedelta(days=10)
    clock.at(later)
    device_assign(origin=ORIGIN, device=laptop, staff=bob)
    device_assign(origin=ORIGIN, device=laptop, staff=None)  # the same day: one row for it
    assert rows("LAP-1") == [(DAY, later, "ANN", "active"), (later, None, None, "active")]
    clock.at(later + dt.timedelta(days=1))
    device_report_missing(origin=ORIGIN, device=laptop, status="stolen", reporter=None)
    clock.at(later + dt.timedelta(days=5))
    device_retire(origin=ORIGIN, device=Device.objects.get(pk=laptop.pk))
    assert [row[3] for row in rows("LAP-1")] == ["active", "active", "stolen", "retired"]
    on = DeviceHistory.objects.on
    assert on(DAY - dt.timedelta(days=1)).count() == 0
    assert on(later - dt.timedelta(days=1)).get().assigned_staff == ann
    assert on(later).get().assigned_staff is None
    assert on(later + dt.timedelta(days=3)).get().status == "stolen"
    assert on(later + dt.timedelta(days=300)).get().status == "retired"


def test_the_import_records_history_in_bulk(clock: Clock):
    make_staff(staff_id="S1")
    make_staff(staff_id="S2")
    header = "asset_tag,device_type,ownership,assigned_staff_id,encrypted,passcode,os,site\n"
    first = header + "PH-1,smartphone,council,S1,yes,yes,iOS 18,\nPH-2,tablet,council,,yes,yes,,\n"
    run_import("devices", (first.replace(",,\n", ",iPadOS 18,\n")).encode(), origin=ORIGIN)
    clock.at(DAY + dt.timedelta(days=7))
    second = header + "PH-1,smartphone,council,S2,yes,yes,iOS 18,\n"
    options = ImportOptions(today=timezone.localdate())
    run_import("devices", second.encode(), origin=ORIGIN, options=options)
    run_import("devices", second.encode(), origin=ORIGIN, options=options)  # nothing changes
    moved = DAY + dt.timedelta(days=7)
    assert rows("PH-1") == [(DAY, moved, "S1", "active"), (moved, None, "S2", "active")]
    assert rows("PH-2") == [(DAY, None, None, "active")]


def test_update_cannot_change_what_the_history_follows():
    make_device(asset_tag="LAP-1")
    with pytest.raises(TypeError, match="keep its history"):
        Device.objects.filter(asset_tag="LAP-1").update(status="retired")
    assert Device.objects.filter(asset_tag="LAP-1").update(on_site=False) == 1


@pytest.mark.django_db(transaction=True)
def test_the_migration_starts_each_device_s_history_on_the_day_it_was_registered():
    """Before, the register kept no history: each device starts with one row, as it stands,
    from the day it was registered (a London day)."""
    with models_at(BEFORE, then=AFTER) as old:
        Old = old.get_model("devices", "Device")
        Old.objects.create(
            asset_tag="OLD-1",
            device_type="laptop",
            ownership="council",
            encrypted="yes",
            passcode="yes",
            status="lost",
        )
        at_half_past_midnight_in_london = dt.datetime(2025, 6, 30, 23, 30, tzinfo=dt.UTC)
        Old.objects.filter(asset_tag="OLD-1").update(created_at=at_half_past_midnight_in_london)
    assert rows("OLD-1") == [(dt.date(2025, 7, 1), None, None, "lost")]
