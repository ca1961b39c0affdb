"""A small site for the sites tests: Hillside with a main entrance whose code two people
hold, a centre manager, a case with a paper file, and printers of each kind."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from safekeep.organisation.models import Site, StaffMember
from safekeep.records.models import Case
from safekeep.sites.models import Door, DoorCodeHolder, PaperFile, Printer
from tests.factories import make_case, make_staff, make_team


@dataclass
class Hillside:
    site: Site
    door: Door
    manager: StaffMember
    worker: StaffMember
    holder: StaffMember
    case: Case
    paper_file: PaperFile
    coded: Printer
    open_printer: Printer


def hillside(*, holder_type: str = "agency", queue_uri: str = "") -> Hillside:
    site = Site.objects.create(
        site_id="CC01", name="Hillside Children Centre", kind="children_centre", locked_storage=True
    )
    team = make_team("Hillside Early Help")
    manager = make_staff(team=team, roles=("centre_manager", "team_manager"), staff_id="M1")
    worker = make_staff(team=team, staff_id="W1")
    holder = make_staff(team=team, staff_id="H1", employment_type=holder_type)
    door = Door.objects.create(site=site, name="main entrance")
    for person in (manager, holder):
        DoorCodeHolder.objects.create(door=door, staff=person)
    case = make_case(team=team, classification="OFFICIAL-SENSITIVE", allocated=(worker,))
    paper_file = PaperFile.objects.create(file_id="PF-77", case=case, site=site, cabinet="B2")
    coded = Printer.objects.create(
        printer_id="CC1-MFD", site=site, name="Staff room MFD", release="coded", queue_uri=queue_uri
    )
    open_printer = Printer.objects.create(
        printer_id="CC1-OLD", site=site, name="Reception printer", release="none"
    )
    return Hillside(site, door, manager, worker, holder, case, paper_file, coded, open_printer)


# A Thursday before the Easter weekend (Good Friday and Easter Monday are bank holidays).
MAUNDY_THURSDAY = dt.date(2026, 4, 2)
