from __future__ import annotations

import datetime as dt

import pytest

from safekeep.core.csv_import import ImportFailed, ImportOptions, run_import
from safekeep.devices.models import Device, DeviceComplaint
from safekeep.organisation.models import Site
from tests.devices.helpers import ORIGIN
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

HEADER = "asset_tag,device_type,ownership,assigned_staff_id,encrypted,passcode,os,site\n"


def test_devices_import_is_all_or_nothing_with_every_error_listed():
    make_staff(staff_id="S1")
    data = (
        HEADER
        + "LAP-1,laptop,council,S1,yes,yes,Windows 11,\n"
        + "LAP-2,laptap,council,S9,maybe,yes,,Nowhere\n"
        + "LAP-1,laptop,council,,yes,yes,Windows 11,\n"
    ).encode()
    with pytest.raises(ImportFailed) as caught:
        run_import("devices", data, origin=ORIGIN)
    assert caught.value.messages == [
        "line 3, column device_type: 'laptap' is not one of basic_phone, smartphone, tablet, "
        "laptop or desktop",
        "line 3, column encrypted: 'maybe' is not one of yes, no or unknown",
        "line 3, column os: is empty; a value is required",
        "line 4, column asset_tag: 'LAP-1' is also on line 2; each asset_tag may appear only once",
    ]
    assert not Device.objects.exists()


def test_devices_import_checks_references():
    data = (HEADER + "LAP-1,laptop,council,S9,yes,yes,Windows 11,Nowhere\n").encode()
    with pytest.raises(ImportFailed) as caught:
        run_import("devices", data, origin=ORIGIN)
    assert caught.value.messages == [
        "line 2, column assigned_staff_id: no member of staff has staff_id 'S9'",
        "line 2, column site: there is no site called 'Nowhere' "
        "(use --create-missing to create it)",
    ]


def test_devices_import_is_idempotent_and_updates_by_asset_tag():
    staff = make_staff(staff_id="S1")
    Site.objects.create(name="Town Hall")
    data = (
        HEADER
        + "LAP-1,laptop,council,S1,yes,yes,Windows 11 23H2,Town Hall\n"
        + "PH-1,smartphone,personal,,unknown,no,Android 14,\n"
    ).encode()
    first = run_import("devices", data, origin=ORIGIN)
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    second = run_import("devices", data, origin=ORIGIN)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    laptop = Device.objects.get(asset_tag="LAP-1")
    assert (laptop.assigned_staff, laptop.site.name, laptop.os_version) == (
        staff,
        "Town Hall",
        "11 23H2",
    )
    changed = data.replace(
        b"PH-1,smartphone,personal,,unknown,no", b"PH-1,smartphone,personal,,unknown,yes"
    )
    third = run_import("devices", changed, origin=ORIGIN)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 1)
    assert Device.objects.get(asset_tag="PH-1").passcode == "yes"


def test_devices_import_can_create_missing_sites():
    data = (HEADER + "LAP-1,laptop,council,,yes,yes,Windows 11,New Centre\n").encode()
    run_import("devices", data, origin=ORIGIN, options=ImportOptions(create_missing=True))
    assert Device.objects.get().site.name == "New Centre"


COMPLAINTS = "reported_on,staff_id,category,summary\n"


def test_complaints_import():
    make_staff(staff_id="S1")
    data = (
        COMPLAINTS
        + "2026-03-01,S1,device_fault,Laptop would not start\n"
        + '2026-03-02,S1,training,"Did not know how to use VPN, asked IT"\n'
    ).encode()
    first = run_import("complaints", data, origin=ORIGIN)
    assert first.created == 2
    second = run_import("complaints", data, origin=ORIGIN)
    assert (second.created, second.unchanged) == (0, 2)
    assert DeviceComplaint.objects.count() == 2


def test_complaints_import_errors():
    make_staff(staff_id="S1")
    data = (
        COMPLAINTS
        + "2026-13-01,S1,broken,x\n"
        + "2026-03-01,S2,other,x\n"
        + "2026-03-01,S1,other,x\n"
        + "2026-03-01,S1,other,x\n"
    ).encode()
    options = ImportOptions(today=dt.date(2026, 11, 23))
    with pytest.raises(ImportFailed) as caught:
        run_import("complaints", data, origin=ORIGIN, options=options)
    assert caught.value.messages == [
        "line 2, column reported_on: '2026-13-01' is not a real date",
        "line 2, column category: 'broken' is not one of device_fault, access_problem, "
        "training or other",
        "line 3, column staff_id: no member of staff has staff_id 'S2'",
        "line 5: repeats line 4 exactly",
    ]
    assert not DeviceComplaint.objects.exists()
