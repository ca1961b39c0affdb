"""`safekeep import sites`, `printers` and `door-code-holders`: the DESIGN.md columns,
all-or-nothing with every problem by line and column, and idempotent."""

from __future__ import annotations

import datetime as dt

import pytest

from safekeep.core.csv_import import ImportFailed, run_import
from safekeep.organisation.models import Site
from safekeep.sites.models import Door, DoorCodeHolder, Printer
from tests.devices.helpers import ORIGIN
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

SITES = (
    "site_id,name,kind,address,staff_room,locked_storage\n"
    'CC01,Hillside Children Centre,children_centre,"1 Hill Road, Barchester",yes,yes\n'
    "OF01,Civic Centre,office,,no,yes\n"
)
PRINTERS = (
    "printer_id,site_id,name,release,queue_uri\n"
    "CC1-MFD,CC01,Staff room MFD,coded,ipp://print.council.example/printers/CC1-MFD\n"
    "CC1-OLD,CC01,Reception printer,none,\n"
)


def test_sites_are_created_then_unchanged_then_updated():
    first = run_import("sites", SITES.encode(), origin=ORIGIN)
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    hillside = Site.objects.get(site_id="CC01")
    assert (hillside.name, hillside.kind, hillside.address) == (
        "Hillside Children Centre",
        "children_centre",
        "1 Hill Road, Barchester",
    )
    assert (hillside.staff_room, hillside.locked_storage) == (True, True)
    again = run_import("sites", SITES.encode(), origin=ORIGIN)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = run_import("sites", SITES.replace(",no,yes", ",yes,no").encode(), origin=ORIGIN)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    assert Site.objects.get(site_id="OF01").staff_room is True


def test_a_site_the_devices_import_made_by_name_takes_its_site_id():
    Site.objects.create(name="Civic Centre")
    result = run_import("sites", SITES.encode(), origin=ORIGIN)
    assert (result.created, result.updated) == (1, 1)
    assert Site.objects.get(name="Civic Centre").site_id == "OF01"


def test_a_bad_sites_file_lists_every_problem_and_writes_nothing():
    data = (
        "site_id,name,kind,address,staff_room,locked_storage\n"
        "CC01,Hillside,centre,,yes,maybe\n"
        "=CC02,Riverside,office,,yes,yes\n"
        "CC03,Hillside,office,,no,no\n"
    )
    with pytest.raises(ImportFailed) as caught:
        run_import("sites", data.encode(), origin=ORIGIN)
    assert caught.value.messages == [
        "line 2, column kind: 'centre' is not one of children_centre, office or other",
        "line 2, column locked_storage: 'maybe' is not yes or no",
        "line 3, column site_id: '=CC02' starts with '=', which a spreadsheet runs as a "
        "formula; an id cannot start with =, +, - or @",
    ]
    assert not Site.objects.exists()


def test_two_rows_may_not_give_one_name():
    data = SITES + "CC02,Civic Centre,office,,no,no\n"
    with pytest.raises(ImportFailed) as caught:
        run_import("sites", data.encode(), origin=ORIGIN)
    assert caught.value.messages == ["line 4, column name: 'Civic Centre' is also on line 3"]


def test_printers_need_a_known_site_and_an_ipp_queue():
    run_import("sites", SITES.encode(), origin=ORIGIN)
    bad = (
        "printer_id,site_id,name,release,queue_uri\n"
        "P1,XX99,Somewhere,coded,\n"
        "P2,CC01,Upstairs,badge,http://printer.example/\n"
    )
    with pytest.raises(ImportFailed) as caught:
        run_import("printers", bad.encode(), origin=ORIGIN)
    assert caught.value.messages == [
        "line 2, column site_id: there is no site with site_id 'XX99' (import sites first)",
        "line 3, column release: 'badge' is not one of coded, secure_location or none",
        "line 3, column queue_uri: 'http://printer.example/' is not an ipp:// or ipps:// "
        "print queue",
    ]
    first = run_import("printers", PRINTERS.encode(), origin=ORIGIN)
    assert first.created == 2
    mfd = Printer.objects.get(printer_id="CC1-MFD")
    assert (mfd.site.site_id, mfd.release, mfd.secure) == ("CC01", "coded", True)
    assert Printer.objects.get(printer_id="CC1-OLD").secure is False
    assert run_import("printers", PRINTERS.encode(), origin=ORIGIN).unchanged == 2
    moved = PRINTERS.replace("CC1-OLD,CC01,Reception printer,none", "CC1-OLD,OF01,Post room,none")
    assert run_import("printers", moved.encode(), origin=ORIGIN).updated == 1
    assert Printer.objects.get(printer_id="CC1-OLD").site.site_id == "OF01"


def test_door_code_holders_make_doors_once_and_refuse_leavers_and_strangers():
    run_import("sites", SITES.encode(), origin=ORIGIN)
    make_staff(staff_id="S1")
    make_staff(staff_id="S2")
    make_staff(staff_id="S3", end_date=dt.date(2020, 6, 30))
    data = (
        "site_id,door,staff_id\nCC01,main entrance,S1\nCC01,main entrance,S2\nCC01,staff room,S1\n"
    )
    first = run_import("door-code-holders", data.encode(), origin=ORIGIN)
    assert first.created == 3
    assert sorted(Door.objects.values_list("name", flat=True)) == ["main entrance", "staff room"]
    assert run_import("door-code-holders", data.encode(), origin=ORIGIN).unchanged == 3
    assert DoorCodeHolder.objects.count() == 3
    bad = "site_id,door,staff_id\nCC01,main entrance,S3\nCC01,main entrance,S9\n"
    with pytest.raises(ImportFailed) as caught:
        run_import("door-code-holders", bad.encode(), origin=ORIGIN)
    assert caught.value.messages == [
        "line 2, column staff_id: 'S3' left on 2020-06-30; a leaver holds no code",
        "line 3, column staff_id: no member of staff has staff_id 'S9'",
    ]
    assert DoorCodeHolder.objects.count() == 3
