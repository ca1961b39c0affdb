"""What the two tests that walk every URL route share: the walk, and a council to walk it as.

tests/audit/test_every_route_audited.py (what each route records) and
tests/browser/test_every_page_accessible.py (that each page passes axe) each keep a table
with a row for every route and fail on a route with none; both build the same people and
case first, once, with keys of their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from safekeep.access.vocabulary import Action
from safekeep.accounts.models import User
from safekeep.audit.writing import Origin
from safekeep.crypto import blind_index, envelope, keys, providers
from safekeep.organisation.models import Site, StaffMember, StaffRole, Team
from safekeep.organisation.services import leaver_process
from safekeep.records import services as record_services
from safekeep.records.models import Case, Entry
from safekeep.reviews.models import AccessReview
from safekeep.reviews.schedule import quarter_of
from safekeep.sites import services as site_services
from safekeep.sites.models import Door, PaperFile, Printer, PrintJob, Visit
from tests import factories

ORIGIN = Origin.command("tests")

# --- the walk ----------------------------------------------------------------------------


def is_api_operation(pattern: URLPattern) -> bool:
    """One of the API's operations (the OpenAPI document and docs page are not)."""
    return getattr(pattern.callback, "__module__", "") == "ninja.operation"


def is_api(pattern: URLPattern) -> bool:
    """The API's operations and its OpenAPI views: machine interfaces, not pages."""
    return getattr(pattern.callback, "__module__", "").startswith("ninja.")


def route_names(*, leave_out: Callable[[URLPattern], bool]) -> set[str]:
    """Every URL route by its name ("namespace:name"), but those `leave_out` picks."""
    return set(_names(get_resolver().url_patterns, "", leave_out))


def _names(
    patterns: list[Any], namespace: str, leave_out: Callable[[URLPattern], bool]
) -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _names(pattern.url_patterns, inner, leave_out)
        elif not leave_out(pattern):
            yield f"{namespace}{pattern.name}" if pattern.name else str(pattern.pattern)


# --- the council -------------------------------------------------------------------------


@dataclass
class Council:
    """Two teams, someone in every role, and one case with a note and a document."""

    team: Team
    other_team: Team
    staff: dict[str, StaffMember]  # by role in the story: "worker", "manager", "ig" ...
    users: dict[str, User]  # the same keys
    case: Case  # owned by `team`, allocated to the worker (and the volunteer, if any)
    note: Entry
    document: Entry


AnyCouncil = TypeVar("AnyCouncil", bound=Council)


def build_council(kind: type[AnyCouncil], place: str, *, volunteer: bool = False) -> AnyCouncil:
    """A council whose team names start with `place`; with `volunteer`, also a volunteer
    with an approved risk assessment, allocated to the case."""
    team = factories.make_team(f"{place} Children North")
    other_team = factories.make_team(f"{place} Adults South", directorate="Adults and Health")
    staff = {
        "worker": factories.make_staff(team=team),
        "manager": factories.make_staff(team=team, roles=("team_manager",)),
        "receiver": factories.make_staff(team=other_team, roles=("team_manager",)),
        "stranger": factories.make_staff(team=other_team),
        "ig": factories.make_staff(team=other_team, roles=("ig_officer",)),
        "it": factories.make_staff(team=other_team, roles=("it_support",)),
        "admin": factories.make_staff(team=other_team, roles=("sysadmin",)),
    }
    today = timezone.localdate()
    if volunteer:
        staff["volunteer"] = factories.make_staff(team=team, employment_type="volunteer")
        factories.make_risk_assessment(
            staff["volunteer"],
            team=team,
            max_classification="OFFICIAL-SENSITIVE",
            assessed_on=today - dt.timedelta(days=30),
            review_due=today + dt.timedelta(days=300),
        )
    staff["leaver"] = factories.make_staff(team=team, end_date=today - dt.timedelta(days=1))
    users = {name: factories.make_user(member) for name, member in staff.items()}
    # A leaver with a council laptop still to recover: their checklist has an open item.
    factories.make_device(staff=staff["leaver"], asset_tag=f"{place[:6].upper()}-LEAVER-LAP")
    leaver_process(origin=factories.TEST_ORIGIN, staff=staff["leaver"], now=timezone.now())
    allocated = tuple(staff[name] for name in ("worker", "volunteer") if name in staff)
    case = factories.make_case(team=team, allocated=allocated)
    worker = staff["worker"]
    note = record_services.entry_add(
        access=factories.case_access(worker, case, Action.ADD_ENTRY),
        kind="note",
        title="Home visit",
        body="All well",
    )
    document = record_services.document_upload(
        access=factories.case_access(worker, case, Action.ADD_ENTRY),
        title="Letter",
        filename="letter.txt",
        content=b"hello",
    )
    return kind(team, other_team, staff, users, case, note, document)


def forget_keys() -> None:
    """Empty every key cache, so that the next keys come from the data directory now set."""
    providers.reset_providers()
    keys.forget_cached_keys()
    envelope.forget_cached_data_keys()
    blind_index._derived.clear()


@contextmanager
def module_rows(django_db_blocker: Any, data_dir: Path) -> Iterator[None]:
    """For a module-scoped fixture: rows built once (with keys in `data_dir`) inside a
    transaction that the module's tests run in — their own transactions become savepoints —
    and rolled back after the module's last test."""
    overridden = override_settings(
        DATA_DIR=data_dir, PASSWORD_HASHERS=["tests.hashers.FastArgon2PasswordHasher"]
    )
    overridden.enable()
    forget_keys()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            forget_keys()
            overridden.disable()


# --- a site -------------------------------------------------------------------------------


@dataclass
class SiteThings:
    """What the sites pages show: the site, a door whose code the worker holds, a visitor
    signed in, the case's paper file, and a coded-release printer. The council's team
    manager is its centre manager too."""

    site: Site
    door: Door
    visit: Visit
    paper_file: PaperFile
    printer: Printer
    held_job: PrintJob  # the worker's, waiting for release (code 123456)


def site_things(council: Council) -> SiteThings:
    """Made (once per test: each runs in its own savepoint) when a row asks for them."""
    manager, worker = council.staff["manager"], council.staff["worker"]
    StaffRole.objects.get_or_create(staff=manager, role="centre_manager")
    site, _ = Site.objects.get_or_create(
        name="Routes Children Centre", defaults={"site_id": "RCC", "locked_storage": True}
    )
    door, _ = Door.objects.get_or_create(site=site, name="main entrance")
    if not door.code_sealed:
        site_services.door_code_record(
            manager=manager, door=door, code="2468", holders=[manager, worker], origin=ORIGIN
        )
        door.refresh_from_db()
    visit = Visit.objects.filter(site=site).first() or site_services.visit_sign_in(
        by=manager,
        site=site,
        visitor_name="Dr Visitor",
        organisation="NHS",
        accompanied_by=worker,
        origin=ORIGIN,
    )
    paper_file, _ = PaperFile.objects.get_or_create(
        file_id="PF-ROUTES", defaults={"case": council.case, "site": site, "cabinet": "A1"}
    )
    printer, _ = Printer.objects.get_or_create(
        printer_id="R-MFD", defaults={"site": site, "name": "Routes MFD", "release": "coded"}
    )
    held_job = PrintJob.objects.filter(printer=printer).first() or PrintJob.objects.create(
        case=council.case,
        staff=worker,
        printer=printer,
        printed_at=timezone.now(),
        pages=1,
        state="held",
        queue_job_id="R-MFD-1",
        release_code_hash=make_password("123456"),
    )
    return SiteThings(site, door, visit, paper_file, printer, held_job)


def site_path(suffix: Callable[[SiteThings], str]) -> Callable[[Council], str]:
    return lambda council: suffix(site_things(council))


# --- reviews ------------------------------------------------------------------------------


@dataclass
class ReviewThings:
    """What the reviews pages show: this quarter's open review of the worker (by the team
    manager, who is also a volunteer manager here) and a volunteer to assess."""

    review: AccessReview
    volunteer: StaffMember


def review_things(council: Council) -> ReviewThings:
    """Made (once per test: each runs in its own savepoint) when a row asks for them."""
    manager, worker = council.staff["manager"], council.staff["worker"]
    StaffRole.objects.get_or_create(staff=manager, role="volunteer_manager")
    today = timezone.localdate()
    quarter = quarter_of(today)
    review, _ = AccessReview.objects.get_or_create(
        kind=AccessReview.Kind.MEMBER,
        period=quarter.key,
        staff=worker,
        defaults={"team": council.team, "opened_on": today, "due_on": quarter.last_day},
    )
    volunteer = StaffMember.objects.filter(
        team=council.team, employment_type="volunteer"
    ).first() or factories.make_staff(team=council.team, employment_type="volunteer")
    return ReviewThings(review, volunteer)


def review_path(suffix: Callable[[ReviewThings], str]) -> Callable[[Council], str]:
    return lambda council: suffix(review_things(council))


# --- paths in the tables -----------------------------------------------------------------


def fixed(path: str) -> Callable[[Council], str]:
    return lambda council: path


def leaver_path(suffix: str = "") -> Callable[[Council], str]:
    """A page of the council's leaver: `leaver_path("leaver/")`."""
    return lambda council: f"/staff/{council.staff['leaver'].staff_id}/{suffix}"


def case_path(suffix: str = "") -> Callable[[Council], str]:
    """A page of the council's case: `case_path("allocate/")`."""
    return lambda council: f"/cases/{council.case.case_id}/{suffix}"
