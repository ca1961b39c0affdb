"""Every page a person can open passes an automated axe check in a real browser (issue 2).

The table below has, for each URL route, the pages a person can GET from it: who opens it
(signed in as a role that may see it, from an enrolled compliant council laptop) and the
status it answers with. A route that is not a page (POST only, a file download, the API)
says why instead. A test walks Django's URL resolver: a route with no entry fails, so a new
page cannot be added without being checked. The world is built once; the walk then opens
every page in one browser, runs axe on each, and checks a few key pages on a phone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from safekeep.access import door
from safekeep.access.vocabulary import Duty
from safekeep.accounts import lifecycle
from safekeep.audit.writing import Origin
from safekeep.devices import services as device_services
from safekeep.devices.conf import DEVICE_COOKIE
from safekeep.devices.models import Device, DeviceComplaint, ITTask
from safekeep.governance.foi import requests as foi
from safekeep.governance.models import FoiRequest, Incident
from safekeep.records import services as record_services
from safekeep.retention import services
from safekeep.subject_access import services as sar
from tests.browser.helpers import assert_accessible, fill_date
from tests.factories import (
    PASSWORD,
    break_glass_access,
    case_access,
    device_token,
    laptop_context,
    make_case,
    make_device,
    make_grant,
    make_staff,
    make_user,
    sign_in,
)
from tests.retention.helpers import ig_access, past_retention
from tests.routes import (
    Council,
    build_council,
    case_path,
    fixed,
    forget_keys,
    is_api,
    leaver_path,
    review_path,
    route_names,
    site_path,
)

ORIGIN = Origin.command("test-every-page")
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 720}


# --- the world ---------------------------------------------------------------------------


@dataclass
class World(Council):
    """The council, with devices by name and a complaint waiting for IT."""

    devices: dict[str, Device] = field(default_factory=dict)
    complaint: DeviceComplaint | None = None
    tombstone: str = ""  # the case id of a disposed record
    sar: int = 0  # an open subject access request with a withheld entry
    revocable: int = 0  # an approved grant on the case, which its manager may revoke


def _build() -> World:
    """People in every role, a case with entries, and something waiting in every queue."""
    world = build_council(World, "Pages", volunteer=True)
    team, other_team, case = world.team, world.other_team, world.case
    worker = world.staff["worker"]
    # a person part-way through signing in who has not set up an authenticator app yet
    world.users["new"] = make_user(make_staff(team=team), with_totp=False)
    # Queues with something in them, asked for by people who do not sign in here, so the
    # stranger stays refused.
    record_services.grant_request(
        staff=make_staff(team=other_team),
        case=case,
        actions=["view"],
        reason="Covering for a colleague this week",
        days=5,
        context=laptop_context(),
        origin=ORIGIN,
    )
    record_services.break_glass_start(
        access=break_glass_access(
            make_staff(team=other_team), case, "Police called about a missing child"
        ),
        reason="Police called about a missing child",
    )
    record_services.referral_create(
        access=case_access(world.staff["manager"], make_case(team=team), Duty.REFER),
        to_team=other_team,
        kind="referral",
        reason="Moving to adult services at eighteen",
    )
    world.revocable = make_grant(
        case,
        make_staff(team=other_team),
        starts_at=timezone.now() - dt.timedelta(hours=1),
        expires_at=timezone.now() + dt.timedelta(days=5),
        status="approved",
    ).pk
    world.devices["laptop"] = make_device(staff=worker)
    lost = make_device(staff=worker, device_type="smartphone", os_name="Android", os_version="14")
    device_services.device_report_missing(
        origin=ORIGIN, device=lost, status="lost", reporter=worker
    )
    world.devices["lost"] = lost
    unencrypted = make_device(encrypted="no", on_site=False)
    ITTask.objects.create(device=unencrypted, description="Recover and encrypt it")
    world.devices["unencrypted"] = unencrypted
    Incident.objects.create(
        category="data_breach",
        occurred_on=timezone.localdate(),
        reported_on=timezone.localdate(),
        staff=worker,
        staff_ref=worker.staff_id,
        summary="A report was emailed to the wrong parent",
        source="manual",
        aware_at=timezone.now() - dt.timedelta(hours=80),
    )
    world.tombstone = past_retention(world.staff["ig"])[1]
    services.hold_place(
        access=ig_access(world.staff["ig"]), case_id=case.case_id, reason="Claim against us"
    )
    world.complaint = DeviceComplaint.objects.create(
        staff=worker,
        category="device_fault",
        summary="VPN dropped at every home visit",
        reported_on=timezone.localdate(),
    )
    _foi_requests(world)
    _subject_access(world)
    return world


def _subject_access(world: World) -> None:
    """An open request about the case's subject with the note withheld, and one answered."""
    ig = door.subject_access(
        staff=world.staff["ig"], about=None, context=laptop_context(), origin=ORIGIN
    )
    found = sar.open_request(ig, subject=world.case.subject, received_on=timezone.localdate())
    sar.withhold(ig, found, entry=world.note, reason="Third-party information")
    world.sar = found.pk
    answered = sar.open_request(
        ig, subject=world.case.subject, received_on=timezone.localdate() - dt.timedelta(days=40)
    )
    sar.export(ig, answered, password="pages export password")


def _foi_requests(world: World) -> None:
    """An open FOI request, and one answered, published and under internal review."""
    access = door.foi_report_access(
        staff=world.staff["ig"], context=laptop_context(), origin=ORIGIN
    )
    foi.foi_request_log(
        access=access,
        reference="FOI-OPEN",
        received_on=timezone.localdate(),
        questions=["How many parking permits did you issue?", "How many staff work remotely?"],
        requester_name="A. Researcher",
        requester_contact="researcher@example.org",
    )
    done = foi.foi_request_log(
        access=access,
        reference="FOI-DONE",
        received_on=dt.date(2020, 2, 11),
        questions=["How many parking permits did you issue?"],
        requester_name="A. Researcher",
        requester_contact="researcher@example.org",
    )
    question = done.questions.get()
    foi.foi_question_answer(access=access, question=question, answer="", exemptions=["s21"])
    foi.foi_request_respond(
        access=access, request=done, responded_on=dt.date(2020, 2, 24), publish=True
    )
    foi.foi_review_request(
        access=access,
        request=done,
        requested_on=dt.date(2020, 3, 2),
        grounds="The figures are published nowhere",
    )


def _foi(reference: str) -> int:
    return FoiRequest.objects.values_list("pk", flat=True).get(reference=reference)


# --- the table ---------------------------------------------------------------------------

Path_ = Callable[[World], str]
Prepare = Callable[[Any, World], None]


@dataclass(frozen=True)
class Visit:
    who: str | None  # a key of World.users, or None for a browser that is signed out
    path: Path_
    status: int = 200
    phone: bool = False  # also check it on a phone: no horizontal scroll
    prepare: Prepare | None = None  # browser steps before opening the page
    stay: bool = False  # check the page the steps ended on (at `path`) without reloading it

    def url(self, world: World) -> str:
        return self.path(world)


@dataclass(frozen=True)
class NotAPage:
    why: str
    who: str | None = None
    path: Path_ | None = None  # if given, a GET must be refused with 405

    @property
    def post_only(self) -> bool:
        return self.path is not None


def device_path(name: str, suffix: str = "") -> Path_:
    return lambda world: f"/devices/register/{world.devices[name].asset_tag}/{suffix}"


def _password_step(who: str) -> Prepare:
    """The first sign-in page filled in, so the next page is the code or app set-up."""

    def prepare(page: Any, world: World) -> None:
        page.goto("/account/sign-in/")
        page.get_by_label("Email address").fill(world.users[who].email)
        page.get_by_label("Password").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()

    return prepare


def _sign_in_error(page: Any, world: World) -> None:
    _password_step("worker")(page, world)
    page.get_by_label("Code from your authenticator app").fill("000000")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert "The email address, password or code is not right." in page.inner_text("main")


def errors(who: str, path: Path_, button: str) -> Visit:
    """The page's form sent empty: the error summary and the fields' error messages."""

    def prepare(page: Any, world: World) -> None:
        page.goto(path(world))
        with page.expect_navigation():
            page.locator("main").get_by_role("button", name=button).click()
        summary = page.locator(".govuk-error-summary").inner_text()
        assert summary.startswith("There is a problem"), f"{path(world)}: {summary}"

    return Visit(who, path, prepare=prepare, stay=True)


def _end_allocation(world: World) -> str:
    allocation = world.case.allocations.get(staff=world.staff["worker"])
    return f"/cases/{world.case.case_id}/allocations/{allocation.pk}/end/"


def _revoke(world: World) -> str:
    return f"/cases/{world.case.case_id}/access/{world.revocable}/revoke/"


def _edit_path(world: World) -> str:
    return f"/cases/{world.case.case_id}/entries/{world.note.pk}/edit/"


def _edit_with_errors(page: Any, world: World) -> None:
    """The edit form starts filled in: a time nobody can read and no title show its errors."""
    page.goto(_edit_path(world))
    page.get_by_label("Time of contact").fill("lunch")
    page.get_by_label("Title").fill("")
    with page.expect_navigation():
        page.get_by_role("button", name="Save new version").click()
    assert page.locator(".govuk-error-summary").inner_text().startswith("There is a problem")


def _wrong_nhs_number(page: Any, world: World) -> None:
    """Every field of the details form is optional: a wrong NHS number shows its errors."""
    page.goto(case_path("details/")(world))
    page.get_by_label("NHS number").fill("943 476 5918")
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Save details").click()
    assert "not a valid NHS number" in page.locator(".govuk-error-summary").inner_text()


def _enrolment_code(page: Any, world: World) -> None:
    page.goto(device_path("laptop")(world))
    with page.expect_navigation():
        page.get_by_role("button", name="Get an enrolment code").click()


def _someone_elses_laptop(page: Any, world: World) -> None:
    """The worker's browser carries the credential of a laptop the manager enrolled."""
    page.goto("/devices/this-device/")
    origin = "/".join(page.url.split("/")[:3])
    laptop = make_device(staff=world.staff["manager"])
    page.context.add_cookies(
        [{"name": DEVICE_COOKIE, "value": device_token(laptop), "url": origin}]
    )


def _grant_requested(page: Any, world: World) -> None:
    """A request sent: the page that says who decides."""
    page.goto(case_path("request-access/")(world))
    page.locator("input[name=actions][value=view]").check()
    page.locator("textarea[name=reason]").fill("Covering for a colleague this week")
    page.locator("input[name=days]").fill("5")
    with page.expect_navigation():
        page.get_by_role("button", name="Send request").click()
    assert page.locator("h1").inner_text() == "Request sent"


def _set_up_link_opened(page: Any, world: World) -> None:
    """A new member of staff opens the set-up link the command printed: the password page."""
    issued = lifecycle.account_invite(staff=make_staff(team=world.team), origin=ORIGIN)
    page.goto(issued.url(""))
    assert page.locator("h1").inner_text() == "Choose a password"


def _set_up_errors(page: Any, world: World) -> None:
    _set_up_link_opened(page, world)
    page.get_by_label("New password", exact=True).fill("short")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    assert page.locator(".govuk-error-summary").inner_text().startswith("There is a problem")


def _csrf_refused(page: Any, world: World) -> None:
    """A form sent with a token that does not match the browser's: the CSRF refusal page."""
    page.goto("/devices/complaints/new/")
    origin = "/".join(page.url.split("/")[:3])
    page.context.add_cookies([{"name": "csrftoken", "value": "x" * 32, "url": origin}])
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Send to IT support").click()
    assert navigation.value.status == 403
    assert page.locator("h1").inner_text() == "Your form could not be sent"


PERIOD = "date_from=2026-01-01&date_to=2026-12-31"


def _sar_bad_date(page: Any, world: World) -> None:
    """The form to open a request sent with a day that does not exist."""
    page.goto(f"/governance/subject-access/new/{world.case.subject.subject_id}/")
    fill_date(page, "Date the request was received", "2026-02-30")
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Open the request").click()


def sar_path(tail: str = "") -> Path_:
    return lambda w: f"/governance/subject-access/{w.sar}/{tail}"


def _incident(category: str) -> int:
    return Incident.objects.filter(category=category).values_list("pk", flat=True).get()


PAGES: dict[str, tuple[Visit, ...] | NotAPage] = {
    "web:start": tuple(
        Visit(who, fixed("/")) for who in ("worker", "manager", "volunteer", "ig", "it", "admin")
    ),
    "accounts:account": (Visit("worker", fixed("/account/")),),
    "accounts:sign-in": (
        Visit(None, fixed("/account/sign-in/")),
        # a wrong code sends the person back to the first page, with the one message
        Visit(None, fixed("/account/sign-in/"), prepare=_sign_in_error, stay=True),
    ),
    "accounts:two-factor": (
        Visit(None, fixed("/account/sign-in/code/"), prepare=_password_step("worker")),
    ),
    "accounts:enrol": (
        Visit(None, fixed("/account/sign-in/set-up-app/"), prepare=_password_step("new")),
    ),
    "accounts:council-sign-in": NotAPage(
        "a redirect to the council's identity provider, off unless configured; the sign-in "
        "page with it on is checked in tests/browser/test_council_sign_in.py"
    ),
    "accounts:council-sign-in-done": NotAPage(
        "the provider's answer: signs in, or shows the refusal page that "
        "tests/browser/test_council_sign_in.py checks with axe"
    ),
    "accounts:sign-out": NotAPage("POST only", "worker", fixed("/account/sign-out/")),
    "accounts:sign-out-everywhere": NotAPage(
        "POST only", "worker", fixed("/account/sign-out-everywhere/")
    ),
    "accounts:set-up-link": (
        Visit(None, fixed("/account/set-up/" + "x" * 43 + "/"), status=403, phone=True),
    ),
    "accounts:set-up": (
        Visit(None, fixed("/account/set-up/"), prepare=_set_up_link_opened, stay=True),
        Visit(None, fixed("/account/set-up/"), prepare=_set_up_errors, stay=True),
    ),
    # the system administrator's sign-in pages
    "accounts:people": (Visit("admin", fixed("/account/people/"), phone=True),),
    "accounts:person": (
        Visit("admin", lambda w: f"/account/people/{w.staff['stranger'].staff_id}/", phone=True),
        Visit("admin", lambda w: f"/account/people/{w.staff['admin'].staff_id}/"),
        Visit("worker", lambda w: f"/account/people/{w.staff['stranger'].staff_id}/", status=403),
    ),
    "accounts:invite": NotAPage(
        "POST only: shows the link once (tests/browser/test_joiners.py checks it)",
        "admin",
        lambda w: f"/account/people/{w.staff['stranger'].staff_id}/invite/",
    ),
    "accounts:reset-password": NotAPage(
        "POST only: shows the link once (tests/browser/test_joiners.py checks it)",
        "admin",
        lambda w: f"/account/people/{w.staff['stranger'].staff_id}/reset-password/",
    ),
    "accounts:reset-authenticator": NotAPage(
        "POST only",
        "admin",
        lambda w: f"/account/people/{w.staff['stranger'].staff_id}/reset-authenticator/",
    ),
    "accounts:unlock": NotAPage(
        "POST only", "admin", lambda w: f"/account/people/{w.staff['stranger'].staff_id}/unlock/"
    ),
    # staff directory
    "organisation:staff-list": (Visit("admin", fixed("/staff/")),),
    "organisation:team": (Visit("manager", fixed("/staff/team/")),),
    "organisation:staff-add": (
        Visit("admin", fixed("/staff/add/")),
        errors("admin", fixed("/staff/add/"), "Save"),
    ),
    "organisation:staff-change": (
        Visit("admin", lambda w: f"/staff/{w.staff['stranger'].staff_id}/change/"),
    ),
    "organisation:staff-changes": (Visit("ig", fixed("/staff/changes/")),),
    "organisation:staff-end": (
        Visit("admin", lambda w: f"/staff/{w.staff['stranger'].staff_id}/end/"),
        errors("admin", lambda w: f"/staff/{w.staff['stranger'].staff_id}/end/", "End their work"),
    ),
    # leavers
    "organisation:leavers": (Visit("ig", fixed("/staff/leavers/"), phone=True),),
    "organisation:leaver": (Visit("ig", leaver_path("leaver/"), phone=True),),
    "organisation:leaver-device-returned": NotAPage(
        "POST only", "it", leaver_path("leaver/devices/x/returned/")
    ),
    # caseload and case pages
    "records:caseload": (
        Visit("worker", fixed("/cases/"), phone=True),
        Visit("worker", fixed("/cases/?q=Number")),
        Visit("manager", fixed("/cases/")),
        Visit("volunteer", fixed("/cases/")),
    ),
    "records:case": (
        Visit("worker", case_path(), phone=True),
        Visit("manager", case_path()),
        Visit("volunteer", case_path()),
        Visit("stranger", case_path(), status=403),  # the refusal page, with its reasons
    ),
    "records:chronology": (
        Visit("worker", case_path("chronology/"), phone=True),
        Visit("manager", case_path("chronology/?show=all")),
        Visit("stranger", case_path("chronology/"), status=403),
    ),
    "records:details": (
        Visit("worker", case_path("details/"), phone=True),
        Visit("worker", case_path("details/"), prepare=_wrong_nhs_number, stay=True),
    ),
    "records:entry-add": (
        Visit("worker", case_path("entries/add/")),
        errors("worker", case_path("entries/add/"), "Save entry"),
    ),
    "records:entry-edit": (
        Visit("worker", _edit_path, phone=True),
        Visit("worker", _edit_path, prepare=_edit_with_errors, stay=True),
    ),
    "records:document-upload": (
        Visit("worker", case_path("documents/add/")),
        errors("worker", case_path("documents/add/"), "Upload"),
    ),
    "records:entry-draft": NotAPage(
        "POST only: the add-entry page's script saves drafts here",
        "worker",
        case_path("entries/draft/"),
    ),
    "records:document-download": NotAPage("a file download, not a page"),
    "records:allocate": (
        Visit("manager", case_path("allocate/")),
        Visit("manager", case_path("allocate/?name=Person"), phone=True),
        Visit("manager", case_path("allocate/?name=nobody-has-this-name")),
        errors("manager", case_path("allocate/"), "Allocate"),
    ),
    "records:closure": (
        Visit("manager", case_path("closure/"), phone=True),
        errors("manager", case_path("closure/"), "Close the case"),
    ),
    "records:workload": (Visit("manager", fixed("/cases/workload/"), phone=True),),
    "records:allocation-end": (
        Visit("manager", _end_allocation, phone=True),
        errors("manager", _end_allocation, "End allocation"),
    ),
    "records:grant-revoke": (
        Visit("manager", _revoke),
        errors("manager", _revoke, "Revoke access"),
    ),
    "records:grant-request": (
        Visit("stranger", case_path("request-access/")),
        errors("stranger", case_path("request-access/"), "Send request"),
        Visit("stranger", case_path("request-access/"), prepare=_grant_requested, stay=True),
    ),
    "records:grant-requests": (Visit("manager", fixed("/cases/access-requests/")),),
    "records:my-requests": (
        Visit("stranger", fixed("/cases/my-requests/"), phone=True, prepare=_grant_requested),
    ),
    "records:refer": (
        Visit("manager", case_path("refer/")),
        errors("manager", case_path("refer/"), "Send"),
    ),
    "records:referrals": (Visit("receiver", fixed("/cases/referrals/")),),
    "records:break-glass": (
        Visit("stranger", case_path("break-glass/")),
        errors("stranger", case_path("break-glass/"), "Open the case"),
    ),
    "records:break-glass-queue": (Visit("ig", fixed("/cases/break-glass-reviews/")),),
    "records:who-can-see": (
        Visit("ig", case_path("who-can-see/")),
        Visit("manager", case_path("who-can-see/")),
    ),
    # devices
    "devices:this-device": (
        Visit("worker", fixed("/devices/this-device/"), phone=True),
        Visit("worker", fixed("/devices/this-device/"), prepare=_someone_elses_laptop),
    ),
    "devices:enrol": (
        Visit("worker", fixed("/devices/enrol/")),
        errors("worker", fixed("/devices/enrol/"), "Enrol this device"),
    ),
    "devices:enrol-personal": (Visit("worker", fixed("/devices/enrol/personal/"), phone=True),),
    "devices:report": (
        Visit("worker", lambda w: f"/devices/report/{w.devices['laptop'].asset_tag}/"),
    ),
    "devices:reported": (
        Visit("worker", lambda w: f"/devices/report/{w.devices['lost'].asset_tag}/done/"),
    ),
    "devices:complaint-new": (
        Visit("worker", fixed("/devices/complaints/new/")),
        errors("worker", fixed("/devices/complaints/new/"), "Send to IT support"),
    ),
    "devices:complaint-queue": (Visit("it", fixed("/devices/complaints/")),),
    "devices:complaint-detail": (
        Visit("it", lambda w: f"/devices/complaints/{w.complaint.pk if w.complaint else 0}/"),
    ),
    "devices:register": (
        Visit("it", fixed("/devices/register/")),
        Visit("worker", fixed("/devices/register/"), status=403),  # refused by role
    ),
    "devices:register-csv": NotAPage("a CSV download; tests/devices/test_register_pages.py"),
    "devices:add": (
        Visit("it", fixed("/devices/register/add/")),
        errors("it", fixed("/devices/register/add/"), "Save"),
    ),
    "devices:non-compliant": (Visit("it", fixed("/devices/register/non-compliant/")),),
    "devices:it-task-done": NotAPage("POST only", "it", fixed("/devices/register/tasks/1/done/")),
    "devices:detail": (Visit("it", device_path("lost")), Visit("it", device_path("unencrypted"))),
    "devices:change": (Visit("it", device_path("laptop", "change/")),),
    "devices:enrolment-code": (  # POST only: the page the button on a device's page opens
        Visit("it", device_path("laptop", "enrolment-code/"), prepare=_enrolment_code, stay=True),
    ),
    "devices:retire": (Visit("it", device_path("laptop", "retire/")),),
    "devices:task-policy": (
        Visit("ig", fixed("/devices/task-policy/")),
        Visit("it", fixed("/devices/task-policy/")),
    ),
    "devices:task-policy-edit": (Visit("ig", fixed("/devices/task-policy/personal/tablet/")),),
    # audit (IG)
    "audit:dashboard": (Visit("ig", fixed("/audit/"), phone=True),),
    "audit:alert-triage": NotAPage("POST only", "ig", fixed("/audit/alerts/")),
    "audit:people": (
        Visit("ig", fixed("/audit/people/")),
        Visit("ig", lambda w: f"/audit/people/?q={w.case.case_id}", phone=True),
    ),
    "audit:subject-report": (
        Visit("ig", fixed("/audit/subject/")),
        Visit("ig", lambda w: f"/audit/subject/?subject_id={w.case.subject.subject_id}"),
    ),
    "audit:staff-report": (
        Visit("ig", fixed("/audit/staff/")),
        Visit("ig", lambda w: f"/audit/staff/?staff_id={w.staff['worker'].staff_id}&{PERIOD}"),
    ),
    "audit:refusals-report": (
        Visit("ig", fixed("/audit/refusals/")),
        Visit("ig", fixed(f"/audit/refusals/?{PERIOD}")),
        Visit("ig", fixed("/audit/refusals/?date_from=2026-13-01")),  # the error summary
    ),
    # incidents (IG; a team manager's report)
    "governance:incidents": (
        Visit("ig", fixed("/governance/incidents/"), phone=True),
        Visit("ig", fixed("/governance/incidents/?category=data_breach&state=all")),
        Visit("worker", fixed("/governance/incidents/"), status=403),  # refused at the door
    ),
    "governance:incident-new": (
        Visit("ig", fixed("/governance/incidents/new/")),
        errors("ig", fixed("/governance/incidents/new/"), "Record the incident"),
    ),
    "governance:incident": (
        Visit("ig", lambda w: f"/governance/incidents/{_incident('data_breach')}/", phone=True),
        Visit("ig", lambda w: f"/governance/incidents/{_incident('lost_device')}/"),
    ),
    "governance:number-shared": (
        Visit("manager", fixed("/governance/incidents/number-shared/"), phone=True),
        errors("manager", fixed("/governance/incidents/number-shared/"), "Report it"),
    ),
    # the FOI report (FOI officers and IG)
    "governance:foi-report": (
        Visit("ig", fixed("/governance/foi/"), phone=True),
        Visit("worker", fixed("/governance/foi/"), status=403),  # refused at the door
        Visit("ig", fixed("/governance/foi/?as_of_day=1&as_of_month=6&as_of_year=2025")),
        Visit(
            "ig", fixed("/governance/foi/?as_of_day=31&as_of_month=2&as_of_year=2026"), status=400
        ),  # error
    ),
    "governance:retention": (
        Visit("ig", fixed("/governance/retention/"), phone=True),
        Visit("worker", fixed("/governance/retention/"), status=403),  # refused at the door
        errors("ig", fixed("/governance/retention/"), "Place the hold"),
    ),
    "governance:retention-disposed": (
        Visit("ig", fixed("/governance/retention/disposed/"), phone=True),
    ),
    "governance:retention-tombstone": (
        Visit("ig", lambda w: f"/governance/retention/disposed/{w.tombstone}/", phone=True),
    ),
    "governance:foi-download": NotAPage("a file download, not a page"),
    # subject access requests (IG)
    "governance:sar-list": (
        Visit("ig", fixed("/governance/subject-access/"), phone=True),
        Visit("worker", fixed("/governance/subject-access/"), status=403),  # refused
        Visit("ig", lambda w: f"/governance/subject-access/?q={w.case.case_id}", phone=True),
        Visit("ig", fixed("/governance/subject-access/?q="), status=400),  # the error summary
    ),
    "governance:sar-new": (
        Visit(
            "ig",
            lambda w: f"/governance/subject-access/new/{w.case.subject.subject_id}/",
            phone=True,
        ),
        Visit(
            "ig",
            lambda w: f"/governance/subject-access/new/{w.case.subject.subject_id}/",
            prepare=_sar_bad_date,
            stay=True,
        ),
    ),
    "governance:sar": (
        Visit("ig", sar_path(), phone=True),
        errors("ig", sar_path(), "Extend the request"),
    ),
    "governance:sar-preview": (Visit("ig", sar_path("preview/"), phone=True),),
    "governance:sar-export": (
        Visit("ig", sar_path("export/"), phone=True),
        errors("ig", sar_path("export/"), "Make the export"),
    ),
    "governance:sar-download": NotAPage("a file download, not a page"),
    "governance:foi-requests": (
        Visit("ig", fixed("/governance/foi/requests/"), phone=True),
        Visit("worker", fixed("/governance/foi/requests/"), status=403),
    ),
    "governance:foi-request-new": (
        Visit("ig", fixed("/governance/foi/requests/new/"), phone=True),
        errors("ig", fixed("/governance/foi/requests/new/"), "Log the request"),
    ),
    "governance:foi-request": (
        Visit("ig", lambda w: f"/governance/foi/requests/{_foi('FOI-OPEN')}/", phone=True),
        Visit("ig", lambda w: f"/governance/foi/requests/{_foi('FOI-DONE')}/", phone=True),
    ),
    "governance:foi-request-letter": (
        Visit("ig", lambda w: f"/governance/foi/requests/{_foi('FOI-DONE')}/letter/html/"),
    ),
    "governance:foi-disclosure-log": (
        Visit("ig", fixed("/governance/foi/disclosure-log/"), phone=True),
    ),
    "governance:foi-disclosure-log-csv": NotAPage("a file download, not a page"),
    # the API tokens page (the API itself is for other systems, not people)
    "api-tokens": (
        Visit("worker", fixed("/api/v1/tokens/")),
        errors("worker", fixed("/api/v1/tokens/"), "Create token"),
    ),
    "api:api-root": NotAPage("the API, for other systems"),
    "api:openapi-json": NotAPage("the API's OpenAPI document, for other systems"),
    "api:openapi-view": NotAPage("the API's generated reference, for developers"),
    "scim:search": NotAPage("SCIM provisioning, for the council's identity system"),
    "scim:service-provider-config": NotAPage(
        "SCIM provisioning, for the council's identity system"
    ),
    "scim:resource-types": NotAPage("SCIM provisioning, for the council's identity system"),
    "scim:resource-type": NotAPage("SCIM provisioning, for the council's identity system"),
    "scim:schemas": NotAPage("SCIM provisioning, for the council's identity system"),
    "scim:schema": NotAPage("SCIM provisioning, for the council's identity system"),
    "scim:users": NotAPage("SCIM provisioning, for the council's identity system"),
    "scim:users-search": NotAPage("SCIM provisioning, for the council's identity system"),
    "scim:user": NotAPage("SCIM provisioning, for the council's identity system"),
    "scim:groups": NotAPage("SCIM provisioning, for the council's identity system"),
    "scim:groups-search": NotAPage("SCIM provisioning, for the council's identity system"),
    "scim:group": NotAPage("SCIM provisioning, for the council's identity system"),
    "scim:unknown": NotAPage("SCIM provisioning, for the council's identity system"),
    "healthz": NotAPage("the load balancer's health check"),
    "readyz": NotAPage("the load balancer's readiness check"),
    # the sites (centre managers; IG's overview)
    "sites:list": (
        Visit("ig", fixed("/sites/"), phone=True),
        Visit("worker", fixed("/sites/"), status=403),  # refused by role
    ),
    "sites:site": (Visit("manager", site_path(lambda t: f"/sites/{t.site.pk}/"), phone=True),),
    "sites:visitors": (
        Visit("manager", site_path(lambda t: f"/sites/{t.site.pk}/visitors/"), phone=True),
        errors("manager", site_path(lambda t: f"/sites/{t.site.pk}/visitors/"), "Sign in"),
    ),
    "sites:end-of-day": (
        Visit("manager", site_path(lambda t: f"/sites/{t.site.pk}/end-of-day/")),
        errors(
            "manager", site_path(lambda t: f"/sites/{t.site.pk}/end-of-day/"), "Record the check"
        ),
    ),
    "sites:door-code": (
        Visit("manager", site_path(lambda t: f"/sites/doors/{t.door.pk}/code/"), phone=True),
        errors(
            "manager", site_path(lambda t: f"/sites/doors/{t.door.pk}/code/"), "Record the new code"
        ),
    ),
    "sites:door-code-show": NotAPage(
        "POST only: shows the code",
        "worker",
        site_path(lambda t: f"/sites/doors/{t.door.pk}/show/"),
    ),
    "sites:visitor-out": NotAPage(
        "POST only", "manager", site_path(lambda t: f"/sites/visits/{t.visit.pk}/out/")
    ),
    "sites:paper-file": NotAPage(
        "POST only", "worker", site_path(lambda t: f"/sites/files/{t.paper_file.file_id}/")
    ),
    "sites:print": (
        Visit("worker", site_path(lambda t: f"/sites/print/{t.paper_file.case.case_id}/")),
        errors(
            "worker", site_path(lambda t: f"/sites/print/{t.paper_file.case.case_id}/"), "Print"
        ),
    ),
    "sites:release": (
        Visit("worker", site_path(lambda t: f"/sites/print-jobs/{t.held_job.pk}/release/")),
        errors(
            "worker",
            site_path(lambda t: f"/sites/print-jobs/{t.held_job.pk}/release/"),
            "Print now",
        ),
    ),
    # access reviews (team managers, IG) and volunteers' risk assessments
    "reviews:list": (
        Visit("manager", review_path(lambda t: "/reviews/"), phone=True),
        Visit("ig", fixed("/reviews/")),
        Visit("worker", fixed("/reviews/"), status=403),  # refused by role
    ),
    "reviews:review": (
        Visit("manager", review_path(lambda t: f"/reviews/{t.review.pk}/"), phone=True),
        errors("manager", review_path(lambda t: f"/reviews/{t.review.pk}/"), "Record the review"),
    ),
    "reviews:assessments": (
        Visit("manager", review_path(lambda t: "/reviews/volunteers/"), phone=True),
    ),
    "reviews:assessment": (
        Visit(
            "manager",
            review_path(lambda t: f"/reviews/volunteers/{t.volunteer.staff_id}/"),
            phone=True,
        ),
        errors(
            "manager",
            review_path(lambda t: f"/reviews/volunteers/{t.volunteer.staff_id}/"),
            "Record the assessment",
        ),
    ),
}

# Error pages that no route names.
ERROR_PAGES: tuple[Visit, ...] = (
    Visit(None, fixed("/no-such-page/"), status=404),
    Visit("worker", fixed("/no-such-page/"), status=404),
    Visit("worker", fixed("/devices/complaints/new/"), prepare=_csrf_refused, stay=True),
)


# --- walking the routes ------------------------------------------------------------------


def test_every_route_has_an_entry() -> None:
    routes = route_names(leave_out=is_api)
    assert {"records:case", "accounts:sign-in", "api-tokens"} <= routes
    assert sorted(routes - set(PAGES)) == [], "routes with no entry in PAGES: add one"
    assert sorted(set(PAGES) - routes) == [], "entries for routes that no longer exist"


# --- the walk ----------------------------------------------------------------------------


@pytest.fixture
def _own_keys(tmp_path: Path, settings: Any) -> Iterator[None]:
    """Keys and uploaded files in this test's own data directory."""
    settings.DATA_DIR = tmp_path
    forget_keys()
    yield
    forget_keys()


class Browser:
    """The one browser, switched between people by their session and device cookies."""

    def __init__(self, page: Any, url: str, world: World) -> None:
        self.page, self.url, self.world = page, url, world
        self.current: str | None = "nobody yet"
        self.sessions: dict[str, list[dict[str, Any]]] = {}

    def become(self, who: str | None) -> None:
        if who == self.current and who is not None:
            return
        self.page.context.clear_cookies()
        if who is not None:
            self.page.context.add_cookies(self._cookies(who))
        self.current = who

    def _cookies(self, who: str) -> list[dict[str, Any]]:
        if who not in self.sessions:
            user = self.world.users[who]
            laptop = make_device(staff=user.staff)  # an enrolled, compliant council laptop
            client = sign_in(Client(), user, device=laptop)
            self.sessions[who] = [
                {"name": name, "value": morsel.value, "url": self.url, "httpOnly": True}
                for name, morsel in client.cookies.items()
            ]
        return self.sessions[who]

    def check(self, visit: Visit, label: str) -> None:
        self.become(visit.who)
        if visit.prepare is not None:
            visit.prepare(self.page, self.world)
            self.current = "part-way through signing in"
        url = visit.url(self.world)
        if not visit.stay:
            response = self.page.goto(url)
            assert response is not None and response.status == visit.status, (
                f"{label} {url} as {visit.who}: {response.status if response else None}"
            )
        landed = self.page.url.removeprefix(self.url)
        assert landed == url, f"{label} {url} as {visit.who}: sent to {landed}"
        try:
            assert_accessible(self.page)
            if visit.phone:
                self.page.set_viewport_size(PHONE)
                self.page.goto(url)
                fits = "document.documentElement.scrollWidth <= window.innerWidth"
                assert self.page.evaluate(fits), "scrolls sideways on a phone"
                assert_accessible(self.page)
        except AssertionError as exc:
            raise AssertionError(f"{label} {url} as {visit.who}:\n{exc}") from None
        finally:
            self.page.set_viewport_size(DESKTOP)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_page_passes_axe(page: Any, live_server: Any, _own_keys: None) -> None:
    world = _build()
    browser = Browser(page, live_server.url, world)
    page.set_viewport_size(DESKTOP)
    checked = 0
    for route, entry in sorted(PAGES.items(), key=lambda item: str(item[0])):
        if isinstance(entry, NotAPage):
            if entry.post_only and entry.path is not None:
                browser.become(entry.who)
                # the body of a 405 is empty, which a browser will not navigate to
                response = page.request.get(entry.path(world), max_redirects=0)
                assert response.status == 405, f"{route} is POST only"
            continue
        for visit in entry:
            browser.check(visit, route)
            checked += 1
    for visit in ERROR_PAGES:
        browser.check(visit, "error page")
        checked += 1
    assert checked == sum(len(e) for e in PAGES.values() if isinstance(e, tuple)) + len(ERROR_PAGES)
    assert checked >= 60, checked
