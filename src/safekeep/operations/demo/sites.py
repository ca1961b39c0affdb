"""The demo council's sites: site ids, staff rooms and locked storage; printers of each
kind (one with no release in an open office, which case records never print to); door
codes and who holds them, one due for rotation because a holder left; visitors (one still
signed in from yesterday); the last week's end-of-day checks with one missed; and paper
files, one checked out past its date.

The demo team manager is also a centre manager (of Riverside), so the demo shows the site
pages. Runs after `casework.load_caseloads`.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone
from rich.console import Console

from safekeep.audit.writing import Origin
from safekeep.operations.demo.council import CHILDREN_CENTRES, DEMO_ACCOUNTS
from safekeep.organisation.models import Site, StaffMember, StaffRole
from safekeep.organisation.roles import RoleName
from safekeep.records.models import Case
from safekeep.sites import calendar, services
from safekeep.sites.models import (
    Checkout,
    Door,
    DoorCodeHolder,
    EndOfDayCheck,
    MissedCheck,
    PaperFile,
    Printer,
    Rotation,
    Visit,
)

ORIGIN = Origin.command("demo")
VISITORS = [
    ("Dr Amara Okafor", "Health visiting team, NHS"),
    ("PC Daniel Hughes", "Police public protection unit"),
    ("Mrs Joan Whitfield", "Speech and language therapy"),
    ("Mr Tomasz Nowak", "Housing officer"),
]


def load_sites(*, rng: random.Random, today: dt.date, console: Console) -> None:
    now = timezone.now()
    centres = {site: team for team, site in CHILDREN_CENTRES.items()}
    manager = StaffMember.objects.get(email=DEMO_ACCOUNTS["team manager"])
    StaffRole.objects.get_or_create(staff=manager, role=RoleName.CENTRE_MANAGER)
    sites = list(Site.objects.order_by("name"))
    for number, site in enumerate(sites, start=1):
        centre = site.name in centres
        site.site_id = f"{'CC' if centre else 'OF'}{number:02d}"
        site.staff_room = True
        site.locked_storage = True
        site.save(update_fields=["site_id", "staff_room", "locked_storage"])
        Printer.objects.create(
            printer_id=f"{site.site_id}-MFD",
            site=site,
            name="Staff room multi-function device",
            release=Printer.Release.CODED,
            queue_uri=f"ipp://print.council.example/printers/{site.site_id}-MFD",
        )
        Printer.objects.create(
            printer_id=f"{site.site_id}-RCP",
            site=site,
            name="Reception printer",
            release=Printer.Release.NONE if not centre else Printer.Release.SECURE_LOCATION,
        )
        team_name = centres.get(site.name)
        people = list(
            StaffMember.objects.filter(team__name=team_name).order_by("staff_id")
            if team_name
            else StaffMember.objects.none()
        )
        if not people:
            continue
        current = [p for p in people if not p.is_leaver(today)]
        centre_manager = next(
            (p for p in current if RoleName.CENTRE_MANAGER in p.role_names()), manager
        )
        for name in ("main entrance", "staff room"):
            door = Door.objects.create(site=site, name=name)
            services.door_code_record(
                manager=centre_manager,
                door=door,
                code=f"{rng.randint(1000, 9999)}",
                holders=[manager, *current[:6]],
                origin=ORIGIN,
                now=now - dt.timedelta(days=rng.randint(20, 90)),
            )
        _visits(rng, site, current, manager, now)
        _checks(site, centre_manager, today, now)
    _a_leaver_held_a_code(today)
    _paper_files(rng, today, now)
    console.print(
        f"  sites: {len(sites)} sites, {Printer.objects.count()} printers, "
        f"{Door.objects.count()} door codes, {Visit.objects.count()} visits, "
        f"{PaperFile.objects.count()} paper files"
    )


def _visits(
    rng: random.Random,
    site: Site,
    staff: list[StaffMember],
    by: StaffMember,
    now: dt.datetime,
) -> None:
    for days_ago, (name, organisation) in zip((6, 3, 1, 0), VISITORS, strict=True):
        came = now - dt.timedelta(days=days_ago, hours=rng.randint(1, 4))
        visit = services.visit_sign_in(
            by=by,
            site=site,
            visitor_name=name,
            organisation=organisation,
            accompanied_by=rng.choice(staff),
            origin=ORIGIN,
            now=came,
        )
        # Yesterday's visitor never signed out: the site page flags it.
        if days_ago not in (0, 1):
            services.visit_sign_out(visit=visit, origin=ORIGIN, now=came + dt.timedelta(hours=1))


def _checks(site: Site, by: StaffMember, today: dt.date, now: dt.datetime) -> None:
    day = today
    for index in range(5):
        day = calendar.previous_working_day(day)
        if index == 2:
            MissedCheck.objects.create(site=site, day=day, flagged_at=now)
            continue
        EndOfDayCheck.objects.create(
            site=site,
            day=day,
            laptops_locked=True,
            paper_locked=True,
            recorded_by=by,
            recorded_at=timezone.make_aware(dt.datetime.combine(day, dt.time(17, 45))),
        )


def _a_leaver_held_a_code(today: dt.date) -> None:
    """A holder who left this week: the code is rotation due (the demo's leavers left
    before any code was recorded, so one is added as a holder who has since gone)."""
    leaver = StaffMember.objects.filter(end_date__lt=today).order_by("-end_date").first()
    door = Door.objects.filter(site__kind=Site.Kind.CHILDREN_CENTRE).order_by("pk").first()
    if leaver is None or door is None:
        return
    DoorCodeHolder.objects.get_or_create(door=door, staff=leaver)
    left_on = leaver.end_date or today
    Rotation.objects.create(door=door, leaver=leaver, due_on=calendar.add_working_days(left_on, 2))


def _paper_files(rng: random.Random, today: dt.date, now: dt.datetime) -> None:
    for number, (team, site_name) in enumerate(CHILDREN_CENTRES.items(), start=1):
        cases = list(Case.objects.filter(owning_team__name=team).order_by("case_id")[:2])
        site = Site.objects.get(name=site_name)
        for index, case in enumerate(cases):
            paper_file = PaperFile.objects.create(
                file_id=f"PF-{number}{index + 1:02d}", case=case, site=site, cabinet=f"B{index + 1}"
            )
            holder = case.allocations.filter(ends_on__isnull=True).select_related("staff").first()
            if index == 0 and holder is not None and not holder.staff.is_leaver(today):
                Checkout.objects.create(
                    paper_file=paper_file,
                    staff=holder.staff,
                    checked_out_at=now - dt.timedelta(days=10),
                    due_back=today - dt.timedelta(days=rng.randint(1, 3)),
                )
