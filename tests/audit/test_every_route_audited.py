"""Every route that decides or changes something writes exactly one audit entry.

The table below has a row for each representative request to each route: who sends it, and
the audit entries it must add — one `(action, decision)` for a request that decides or
changes something, none for a page that decides nothing about case content. A test walks
Django's URL resolver and the API's operations: a route with no row fails, so a new route
cannot be added without saying what it records. docs/audit.md ("What is recorded") gives the
rules the table follows and its few deliberate exceptions.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.http import StreamingHttpResponse
from django.test import Client, override_settings
from django.urls import resolve
from django.utils import timezone

from safekeep.access import door
from safekeep.access.vocabulary import Duty
from safekeep.accounts import lifecycle
from safekeep.accounts.models import AuthenticatorApp, SignInThrottle, User
from safekeep.api.main import api
from safekeep.api.models import ApiToken
from safekeep.api.services import api_token_create
from safekeep.audit.chain import chain_pending
from safekeep.audit.models import AuditEntry
from safekeep.audit.wording import action_words
from safekeep.audit.writing import Origin, audit_event
from safekeep.devices import services as device_services
from safekeep.devices.models import Device, DeviceComplaint, ITTask
from safekeep.governance.foi.requests import foi_request_log
from safekeep.governance.models import Incident
from safekeep.organisation.models import StaffChange
from safekeep.provisioning.tokens import scim_client_create
from safekeep.records import sealing as draft_sealing
from safekeep.records import services as record_services
from safekeep.records.models import AccessGrant, Case, EntryDraft
from safekeep.retention.models import DisposalBatch
from safekeep.retention.services import disposal_list
from safekeep.subject_access import services as sar_services
from safekeep.subject_access.models import SubjectAccessRequest
from tests.browser.helpers import device_code
from tests.factories import (
    PASSWORD,
    break_glass_access,
    case_access,
    device_token,
    laptop_context,
    make_api_token,
    make_device,
    make_grant,
    make_staff,
    make_user,
    sign_in,
    staff_form,
    use_device,
)
from tests.retention.helpers import old_case, past_retention
from tests.routes import (
    Council,
    build_council,
    case_path,
    fixed,
    is_api_operation,
    leaver_path,
    module_rows,
    review_path,
    route_names,
    site_path,
    site_things,
)
from tests.web.raw_codes import raw_codes_in

if TYPE_CHECKING:  # the test client's response, as django-stubs names it (not at run time)
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

pytestmark = pytest.mark.django_db

ORIGIN = Origin.command("test-every-route")
API = "/api/v1"
Expected = tuple[tuple[str, str], ...]


# --- the world: built once for the module, rolled back at its end ------------------------


@dataclass
class World(Council):
    """The council, and the worker's API token and enrolled device credential."""

    tokens: dict[str, str] = field(default_factory=dict)
    api_devices: dict[str, str] = field(default_factory=dict)


def _build() -> World:
    world = build_council(World, "Routes")
    account = world.users["worker"]
    world.tokens["worker"] = api_token_create(user=account, name="t", origin=ORIGIN)[1]
    world.api_devices["worker"] = device_token(make_device(staff=world.staff["worker"]))
    world.tokens["scim"] = scim_client_create(name="Entra ID", origin=ORIGIN)[1]
    return world


@pytest.fixture(scope="module")
def world(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """One world per module: the tests' own transactions are savepoints inside this one."""
    with module_rows(django_db_blocker, tmp_path_factory.mktemp("routes-data")):
        yield _build()


@pytest.fixture(autouse=True)
def _audit_keys(world: World) -> None:
    """Overrides tests/audit/conftest.py: keys stay in the module's data directory."""


# --- requests ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    client: Client
    method: str
    path: str
    data: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    json: bool = False
    scim: bool = False

    def send(self) -> TestResponse:
        if self.method == "GET":
            response = self.client.get(self.path, self.data, headers=self.headers)
        elif self.scim:
            response = self.client.generic(
                self.method,
                self.path,
                json.dumps(self.data) if self.data is not None else "",
                content_type="application/scim+json",
                headers=self.headers,
            )
        elif self.json:
            response = self.client.post(
                self.path, self.data, content_type="application/json", headers=self.headers
            )
        else:
            response = self.client.post(self.path, self.data or {}, headers=self.headers)
        if isinstance(response, StreamingHttpResponse):
            b"".join(response.streaming_content)  # the whole download, as a browser would
        return response


Prepare = Callable[[World, Client], Call]


@dataclass(frozen=True)
class Row:
    route: str  # the URL name (namespace:name), or "METHOD /api/v1/path" for an API operation
    request: str  # what the representative request is, in words
    prepare: Prepare
    status: int
    expect: Expected

    @property
    def id(self) -> str:
        return f"{self.route} {self.request}"


def signed_in(client: Client, world: World, who: str, **kwargs: Any) -> Client:
    return sign_in(client, world.users[who], **kwargs)


def get(
    who: str | None, path: Callable[[World], str], data: dict[str, Any] | None = None
) -> Prepare:
    def prepare(world: World, client: Client) -> Call:
        if who is not None:
            signed_in(client, world, who)
        return Call(client, "GET", path(world), data)

    return prepare


def post(
    who: str | None,
    path: Callable[[World], str],
    data: Callable[[World], dict[str, Any]] | None = None,
) -> Prepare:
    def prepare(world: World, client: Client) -> Call:
        if who is not None:
            signed_in(client, world, who)
        return Call(client, "POST", path(world), data(world) if data else {})

    return prepare


ALLOWED = "allowed"
REFUSED = "refused"
DONE = "done"
NOTHING: Expected = ()


def one(action: str, decision: str) -> Expected:
    return ((action, decision),)


# --- sign-in -----------------------------------------------------------------------------


def _pending(world: World, client: Client, who: str = "worker") -> User:
    """A browser that has given the right password and is asked for a code."""
    user = world.users[who]
    client.post("/account/sign-in/", {"email": user.email, "password": PASSWORD})
    return user


def _code(world: World, client: Client) -> Call:
    user = _pending(world, client)
    device = AuthenticatorApp.objects.get(user=user, confirmed=True)
    return Call(client, "POST", "/account/sign-in/code/", {"code": device_code(device)})


def _code_wrong(world: World, client: Client) -> Call:
    _pending(world, client)
    return Call(client, "POST", "/account/sign-in/code/", {"code": "000000"})


def _code_slows_the_account(world: World, client: Client) -> Call:
    """The account has had as many failures as go unslowed: one more wrong code slows it."""
    user = _pending(world, client)
    SignInThrottle.objects.create(
        scope="account",
        key=str(user.pk),
        attempts=settings.SAFEKEEP_SIGN_IN_FREE_ATTEMPTS,
        counted_at=timezone.now(),
    )
    return Call(client, "POST", "/account/sign-in/code/", {"code": "000000"})


def _address_attempts(world: World, client: Client, attempts: int, *, waiting: bool) -> Call:
    """A wrong password from an address with `attempts` already counted."""
    SignInThrottle.objects.create(
        scope="address",
        key="127.0.0.1",
        attempts=attempts,
        counted_at=timezone.now(),
        wait_until=timezone.now() + dt.timedelta(minutes=1) if waiting else None,
    )
    email = world.users["worker"].email
    return Call(client, "POST", "/account/sign-in/", {"email": email, "password": "guess"})


def _address_slowed(world: World, client: Client) -> Call:
    return _address_attempts(world, client, settings.SAFEKEEP_SIGN_IN_FREE_ATTEMPTS, waiting=False)


def _address_waits(world: World, client: Client) -> Call:
    return _address_attempts(world, client, 1, waiting=True)


def _new_person(world: World) -> User:
    staff = make_staff(team=world.team)
    return make_user(staff, with_totp=False)


def _enrol_page(world: World, client: Client) -> Call:
    user = _new_person(world)
    client.post("/account/sign-in/", {"email": user.email, "password": PASSWORD})
    return Call(client, "GET", "/account/sign-in/set-up-app/")


def _enrol(world: World, client: Client) -> Call:
    user = _new_person(world)
    client.post("/account/sign-in/", {"email": user.email, "password": PASSWORD})
    client.get("/account/sign-in/set-up-app/")
    device = AuthenticatorApp.objects.get(user=user, confirmed=False)
    return Call(client, "POST", "/account/sign-in/set-up-app/", {"code": device_code(device)})


def _password(right: bool) -> Prepare:
    def prepare(world: World, client: Client) -> Call:
        password = PASSWORD if right else "not the password"
        email = world.users["worker"].email
        return Call(client, "POST", "/account/sign-in/", {"email": email, "password": password})

    return prepare


def _two_factor_page(world: World, client: Client) -> Call:
    _pending(world, client)
    return Call(client, "GET", "/account/sign-in/code/")


# --- joiners and movers: set-up links and the administrator's sign-in pages ------------


def _people(suffix: str) -> Callable[[World], str]:
    return lambda world: f"/account/people/{world.staff['stranger'].staff_id}/{suffix}"


def _invite_new(world: World, client: Client) -> Call:
    newcomer = make_staff(team=world.team)
    signed_in(client, world, "admin")
    return Call(client, "POST", f"/account/people/{newcomer.staff_id}/invite/")


def _set_up_token(world: World) -> str:
    return lifecycle.account_invite(staff=make_staff(team=world.team), origin=ORIGIN).token


def _set_up_open(world: World, client: Client) -> Call:
    return Call(client, "GET", f"/account/set-up/{_set_up_token(world)}/")


def _set_up_opened(world: World, client: Client) -> Call:
    client.get(f"/account/set-up/{_set_up_token(world)}/")
    return Call(client, "GET", "/account/set-up/")


def _set_up_choose(world: World, client: Client) -> Call:
    client.get(f"/account/set-up/{_set_up_token(world)}/")
    data = {"password": "a long new starter passphrase"}
    data["password_again"] = data["password"]
    return Call(client, "POST", "/account/set-up/", data)


def _slowed_stranger(world: World, client: Client) -> Call:
    SignInThrottle.objects.create(
        scope="account",
        key=str(world.users["stranger"].pk),
        attempts=7,
        counted_at=timezone.now(),
    )
    signed_in(client, world, "admin")
    return Call(client, "POST", _people("unlock/")(world))


# --- staff -------------------------------------------------------------------------------


def _staff_add(world: World) -> dict[str, object]:
    return staff_form(world.team)


def _staff_change(world: World) -> dict[str, object]:
    member = world.staff["stranger"]
    """The stranger renamed, in their own team."""
    return staff_form(
        world.other_team, staff_id=member.staff_id, email=member.email, given_name="Renamed"
    )


def _own_change(world: World) -> dict[str, object]:
    """The administrator moving themself into the children's team (a manager's cases next)."""
    admin = world.staff["admin"]
    return staff_form(world.team, staff_id=admin.staff_id, email=admin.email, roles=["sysadmin"])


def _stranger(suffix: str) -> Callable[[World], str]:
    return lambda world: f"/staff/{world.staff['stranger'].staff_id}/{suffix}"


IN_A_MONTH = (timezone.localdate() + dt.timedelta(days=30)).isoformat()


# --- records -----------------------------------------------------------------------------


def _grant_decision(world: World, client: Client) -> Call:
    grant = record_services.grant_request(
        staff=world.staff["stranger"],
        case=world.case,
        actions=["view"],
        reason="Covering for a colleague this week",
        days=5,
        context=laptop_context(),
        origin=ORIGIN,
    )
    signed_in(client, world, "manager")
    return Call(
        client, "POST", "/cases/access-requests/", {"grant": grant.pk, "decision": "approve"}
    )


def _approved_grant(world: World) -> AccessGrant:
    """The stranger's approved access to the case, ready to be revoked."""
    now = timezone.now()
    return make_grant(
        world.case,
        world.staff["stranger"],
        starts_at=now - dt.timedelta(hours=1),
        expires_at=now + dt.timedelta(days=5),
        status="approved",
    )


def _revoke(reason: str) -> Prepare:
    def prepare(world: World, client: Client) -> Call:
        grant = _approved_grant(world)
        signed_in(client, world, "manager")
        path = f"/cases/{world.case.case_id}/access/{grant.pk}/revoke/"
        return Call(client, "POST", path, {"reason": reason})

    return prepare


def _revoke_form(world: World, client: Client) -> Call:
    grant = _approved_grant(world)
    signed_in(client, world, "manager")
    return Call(client, "GET", f"/cases/{world.case.case_id}/access/{grant.pk}/revoke/")


def _end_allocation(data: dict[str, str] | None) -> Prepare:
    def prepare(world: World, client: Client) -> Call:
        allocation = world.case.allocations.get(staff=world.staff["worker"])
        signed_in(client, world, "manager")
        path = f"/cases/{world.case.case_id}/allocations/{allocation.pk}/end/"
        return Call(client, "POST" if data else "GET", path, data)

    return prepare


def _staff_change_decision(decider: str) -> Prepare:
    """A change the administrator asked for, waiting for a second person; `decider` decides."""

    def prepare(world: World, client: Client) -> Call:
        admin = world.staff["admin"]
        change = StaffChange.objects.create(
            staff=world.staff["worker"],
            roles="ig_officer",
            gives=["gives the information governance officer role"],
            requested_by=admin,
            requested_as=admin.staff_id,
            requested_at=timezone.now(),
        )
        signed_in(client, world, decider)
        return Call(client, "POST", "/staff/changes/", {"change": change.pk, "decision": "approve"})

    return prepare


def _referral(kind: str) -> Prepare:
    def prepare(world: World, client: Client) -> Call:
        referral = record_services.referral_create(
            access=case_access(world.staff["manager"], world.case, Duty.REFER),
            to_team=world.other_team,
            kind=kind,
            reason="Moving to adult services at eighteen",
        )
        signed_in(client, world, "receiver")
        return Call(
            client, "POST", "/cases/referrals/", {"referral": referral.pk, "decision": "accept"}
        )

    return prepare


def _glass_review(world: World, client: Client) -> Call:
    glass = record_services.break_glass_start(
        access=break_glass_access(
            world.staff["stranger"], world.case, "Police called about a missing child"
        ),
        reason="Police called about a missing child",
    )
    signed_in(client, world, "ig")
    return Call(
        client, "POST", "/cases/break-glass-reviews/", {"glass": glass.pk, "outcome": "justified"}
    )


def _alert_triage(world: World, client: Client) -> Call:
    failure = audit_event(
        origin=ORIGIN,
        action="crypto.integrity_failure",
        decision="failed",
        object_type="entry",
        object_id="1",
    )
    signed_in(client, world, "ig")
    return Call(
        client,
        "POST",
        "/audit/alerts/",
        {"rule": "integrity", "key": str(failure.pk), "state": "acknowledged", "note": ""},
    )


def _as_unknown_device(world: World, client: Client) -> Call:
    signed_in(client, world, "worker", device=None)
    return Call(client, "GET", f"/cases/{world.case.case_id}/")


def _from_unencrypted_laptop_off_site(world: World, client: Client) -> Call:
    laptop = make_device(staff=world.staff["worker"], encrypted="no", on_site=False)
    signed_in(client, world, "worker", device=laptop)
    return Call(client, "GET", f"/cases/{world.case.case_id}/")


def _upload(world: World) -> dict[str, Any]:
    return {"title": "Second letter", "file": SimpleUploadedFile("l.txt", b"hello again")}


def _closing_form(world: World) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "reason": "needs_met",
        "details": "",
        "closed_on_day": str(today.day),
        "closed_on_month": str(today.month),
        "closed_on_year": str(today.year),
    }


def _discarding(world: World, client: Client) -> Call:
    """A draft kept beforehand (straight in the database: that wrote nothing)."""
    draft = EntryDraft(case=world.case, author=world.staff["worker"], saved_at=timezone.now())
    draft_sealing.seal_draft(draft, content="{}")
    draft.save()
    signed_in(client, world, "worker")
    return Call(client, "POST", f"/cases/{world.case.case_id}/entries/draft/", {"discard": "1"})


def _reopening(world: World, client: Client) -> Call:
    """The case closed beforehand (straight in the database: that wrote nothing)."""
    Case.objects.filter(pk=world.case.pk).update(closed_on=world.case.opened_on)
    signed_in(client, world, "manager")
    path = f"/cases/{world.case.case_id}/closure/"
    return Call(client, "POST", path, {"details": "A new referral came in from school"})


def _grant_request_form(world: World) -> dict[str, Any]:
    return {"actions": ["view"], "reason": "Covering for a colleague this week", "days": "5"}


# --- devices -----------------------------------------------------------------------------


def _own_device(world: World) -> Device:
    return make_device(staff=world.staff["worker"])


def _report(method: str) -> Prepare:
    def prepare(world: World, client: Client) -> Call:
        device = _own_device(world)
        signed_in(client, world, "worker")
        data = {"status": "lost"} if method == "POST" else None
        return Call(client, method, f"/devices/report/{device.asset_tag}/", data)

    return prepare


def _reported(world: World, client: Client) -> Call:
    device = _own_device(world)
    device_services.device_report_missing(
        origin=ORIGIN, device=device, status="lost", reporter=world.staff["worker"]
    )
    signed_in(client, world, "worker")
    return Call(client, "GET", f"/devices/report/{device.asset_tag}/done/")


def _enrol_code(issued_for: str | None) -> Prepare:
    """The worker enters a code IT issued for `issued_for`'s device (None: a wrong code)."""

    def prepare(world: World, client: Client) -> Call:
        code = "WRONG-CODE"
        if issued_for is not None:
            device = make_device(staff=world.staff[issued_for])
            code = device_services.enrolment_code_issue(
                origin=ORIGIN, device=device, issued_by=world.staff["it"]
            )
        signed_in(client, world, "worker")
        return Call(client, "POST", "/devices/enrol/", {"code": code})

    return prepare


def _from_someones_laptop(path: Callable[[World], str]) -> Prepare:
    """The worker, signed in, on a laptop enrolled by the manager (its credential is theirs)."""

    def prepare(world: World, client: Client) -> Call:
        signed_in(client, world, "worker", device=None)
        use_device(client, make_device(staff=world.staff["manager"]))
        return Call(client, "GET", path(world))

    return prepare


def _complaint(world: World) -> DeviceComplaint:
    return DeviceComplaint.objects.create(
        staff=world.staff["worker"],
        category="device_fault",
        summary="VPN dropped at every home visit",
        reported_on=timezone.localdate(),
    )


def _complaint_call(method: str) -> Prepare:
    def prepare(world: World, client: Client) -> Call:
        complaint = _complaint(world)
        signed_in(client, world, "it")
        data = {"status": "resolved", "resolution": "New SIM"} if method == "POST" else None
        return Call(client, method, f"/devices/complaints/{complaint.pk}/", data)

    return prepare


def _foi_request(world: World) -> int:
    access = door.foi_report_access(
        staff=world.staff["ig"], context=laptop_context(), origin=ORIGIN
    )
    return foi_request_log(
        access=access,
        received_on=dt.date(2020, 2, 11),
        requester_name="A. Researcher",
        requester_contact="researcher@example.org",
        questions=["How many parking permits did you issue?"],
    ).pk


def _foi_call(method: str, suffix: str = "", data: dict[str, Any] | None = None) -> Prepare:
    def prepare(world: World, client: Client) -> Call:
        pk = _foi_request(world)
        signed_in(client, world, "ig")
        return Call(client, method, f"/governance/foi/requests/{pk}/{suffix}", data)

    return prepare


def _it_task_done(world: World, client: Client) -> Call:
    device = make_device()
    task = ITTask.objects.create(device=device, description="Encrypt it")
    signed_in(client, world, "it")
    return Call(client, "POST", f"/devices/register/tasks/{task.pk}/done/")


def _device_form(**overrides: str) -> dict[str, Any]:
    data = {
        "device_type": "laptop",
        "ownership": "council",
        "encrypted": "yes",
        "passcode": "yes",
        "os": "Windows 11",
        "on_site": "on",
    }
    data.update(overrides)
    return data


def _register(
    method: str,
    suffix: str,
    data: dict[str, Any] | None = None,
    assigned: str | None = None,
    **device: Any,
) -> Prepare:
    def prepare(world: World, client: Client) -> Call:
        holder = world.staff[assigned] if assigned is not None else None
        tag = make_device(staff=holder, **device).asset_tag
        signed_in(client, world, "it")
        return Call(client, method, f"/devices/register/{tag}/{suffix}", data)

    return prepare


def _task_policy_edit(world: World, client: Client) -> Call:
    signed_in(client, world, "ig")
    url = "/devices/task-policy/personal/tablet/"
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data.update(
        reason="Secure container approved",
        save_to_device__status="conditional",
        save_to_device__condition="encrypted",
    )
    return Call(client, "POST", url, data)


# --- SCIM provisioning ------------------------------------------------------------------

SCIM = "/scim/v2"
SCIM_PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def _scim(
    method: str,
    path: Callable[[World], str],
    body: Callable[[World], dict[str, Any]] | None = None,
    token: str = "scim",  # noqa: S107 # the name of a token in the world, not a secret
) -> Prepare:
    def prepare(world: World, client: Client) -> Call:
        headers = {"Authorization": f"Bearer {world.tokens.get(token, 'skscim_wrong')}"}
        data = body(world) if body else None
        return Call(client, method, path(world), data, headers, scim=True)

    return prepare


def _scim_someone(world: World) -> str:
    return f"{SCIM}/Users/{make_staff(team=world.team).pk}"


def _scim_new_user(world: World) -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        "userName": "new.starter@council.example",
        "externalId": "SCIM0001",
        "name": {"givenName": "New", "familyName": "Starter"},
        "active": True,
        ENTERPRISE: {"department": world.team.name},
    }


def _scim_patch(operations: list[dict[str, Any]]) -> Callable[[World], dict[str, Any]]:
    return lambda world: {"schemas": [SCIM_PATCH], "Operations": operations}


def _scim_join_team(world: World) -> dict[str, Any]:
    someone = make_staff(team=world.team)
    joins = [{"op": "Add", "path": "members", "value": [{"value": str(someone.pk)}]}]
    return _scim_patch(joins)(world)


# --- API ---------------------------------------------------------------------------------


def _api(method: str, path: Callable[[World], str], body: dict[str, Any] | None = None) -> Prepare:
    def prepare(world: World, client: Client) -> Call:
        headers = {
            "Authorization": f"Bearer {world.tokens['worker']}",
            "X-Safekeep-Device": world.api_devices["worker"],
        }
        return Call(client, method, path(world), body, headers, json=method == "POST")

    return prepare


def _api_leavers_token(world: World, client: Client) -> Call:
    """A token made while its person was in post; their last working day has passed."""
    leaver = make_user(make_staff(team=world.team, end_date=dt.date(2021, 1, 1)))
    headers = {"Authorization": f"Bearer {make_api_token(leaver)}"}
    return Call(client, "GET", f"{API}/cases", headers=headers)


def _api_someone_elses_device(world: World, client: Client) -> Call:
    """The manager's token with the credential of a laptop enrolled by the worker."""
    headers = {
        "Authorization": f"Bearer {make_api_token(world.users['manager'])}",
        "X-Safekeep-Device": device_token(make_device(staff=world.staff["worker"])),
    }
    return Call(client, "GET", f"{API}/cases", headers=headers)


def _api_enrol(world: World, client: Client) -> Call:
    code = device_services.enrolment_code_issue(
        origin=ORIGIN, device=make_device(staff=world.staff["worker"]), issued_by=world.staff["it"]
    )
    headers = {"Authorization": f"Bearer {world.tokens['worker']}"}
    return Call(client, "POST", f"{API}/devices/enrol", {"code": code}, headers, json=True)


def _token_revoke(world: World, client: Client) -> Call:
    token = ApiToken.objects.get(user=world.users["worker"])
    signed_in(client, world, "worker")
    return Call(client, "POST", f"{API}/tokens/", {"revoke": token.pk})


def _ready(world: World, client: Client) -> Call:
    chain_pending()  # the walk's earlier entries, so the sequencer is not behind
    return Call(client, "GET", "/readyz", None)


# --- the table ---------------------------------------------------------------------------

PERIOD = {"date_from": "2026-01-01", "date_to": "2026-12-31"}


def _incident_path(world: World) -> str:
    """An open incident involving the worker, as IG's page for it."""
    incident = Incident.objects.create(
        category="lost_device",
        occurred_on=timezone.localdate(),
        reported_on=timezone.localdate(),
        staff=world.staff["worker"],
        staff_ref=world.staff["worker"].staff_id,
        summary="Phone left on a bus",
        source="manual",
    )
    return f"/governance/incidents/{incident.pk}/"


def _leaver_laptop(world: World) -> str:
    leaver = world.staff["leaver"]
    laptop = Device.objects.get(assigned_staff=leaver)
    return f"/staff/{leaver.staff_id}/leaver/devices/{laptop.asset_tag}/returned/"


def _number_shared(world: World) -> dict[str, Any]:
    return {
        "staff": str(world.staff["worker"].pk),
        "occurred_on": timezone.localdate().isoformat(),
        "summary": "Gave a parent a personal mobile number",
    }


def _retention_approve(world: World, client: Client) -> Call:
    """A case long past retention, listed by the monthly job; IG approves the list."""
    old_case()
    disposal_list(now=timezone.now(), origin=ORIGIN)
    batch = DisposalBatch.objects.get()
    signed_in(client, world, "ig")
    data = {"form": "approve", "batch": batch.pk, "reason": "Retention period ended"}
    return Call(client, "POST", "/governance/retention/", data)


def _tombstone(world: World, client: Client) -> Call:
    _, case_id = past_retention(world.staff["ig"])
    signed_in(client, world, "ig")
    return Call(client, "GET", f"/governance/retention/disposed/{case_id}/")


def _sar(world: World) -> SubjectAccessRequest:
    """A subject access request about the case's subject, opened by IG."""
    access = door.subject_access(
        staff=world.staff["ig"], about=None, context=laptop_context(), origin=ORIGIN
    )
    return sar_services.open_request(
        access, subject=world.case.subject, received_on=timezone.localdate()
    )


def sar_path(tail: str = "") -> Callable[[World], str]:
    return lambda w: f"/governance/subject-access/{_sar(w).pk}/{tail}"


def _sar_download(world: World, client: Client) -> Call:
    found = _sar(world)
    access = door.subject_access(
        staff=world.staff["ig"], about=found, context=laptop_context(), origin=ORIGIN
    )
    made = sar_services.export(access, found, password="routes password")
    signed_in(client, world, "ig")
    return Call(client, "GET", f"/governance/subject-access/{found.pk}/exports/{made.pk}/")


def _visitor(world: World) -> dict[str, Any]:
    return {
        "visitor_name": "Ms Other Visitor",
        "organisation": "Police",
        "accompanied_by": world.staff["worker"].pk,
    }


def _new_code(world: World) -> dict[str, Any]:
    return {"code": "97531", "holders": [world.staff["manager"].pk]}


def case_print_path(world: World) -> str:
    return f"/sites/print/{world.case.case_id}/"


def _print(world: World, client: Client) -> Call:
    things = site_things(world)
    signed_in(client, world, "worker")
    return Call(client, "POST", case_print_path(world), {"printer": things.printer.pk})


def _release_wrong(world: World, client: Client) -> Call:
    job = site_things(world).held_job
    signed_in(client, world, "worker")
    return Call(client, "POST", f"/sites/print-jobs/{job.pk}/release/", {"code": "000000"})


# Council sign-in (OpenID Connect) is off unless configured; these rows switch it on against
# an address where no provider answers. The flow against a real provider, and each of its
# refusals, is in tests/accounts/test_council_sign_in.py.
COUNCIL_ON = {
    "SAFEKEEP_OIDC_ISSUER": "http://127.0.0.1:9",
    "SAFEKEEP_OIDC_CLIENT_ID": "safekeep",
    "SAFEKEEP_OIDC_CLIENT_SECRET": "secret",
}


@dataclass(frozen=True)
class CouncilCall(Call):
    def send(self) -> TestResponse:
        with override_settings(**COUNCIL_ON):
            return super().send()


def _council(path: str, data: dict[str, Any] | None = None) -> Prepare:
    def prepare(world: World, client: Client) -> Call:
        return CouncilCall(client, "GET", path, data)

    return prepare


ROWS: list[Row] = [
    # home and account
    Row("web:start", "home page", get("worker", fixed("/")), 200, NOTHING),
    Row("accounts:account", "account page", get("worker", fixed("/account/")), 200, NOTHING),
    Row("accounts:sign-in", "sign-in page", get(None, fixed("/account/sign-in/")), 200, NOTHING),
    Row(
        "accounts:sign-in",
        "right password (a code is still to come)",
        _password(True),
        302,
        NOTHING,
    ),
    Row("accounts:sign-in", "wrong password", _password(False), 302, one("auth.sign_in", REFUSED)),
    Row("accounts:two-factor", "code page", _two_factor_page, 200, NOTHING),
    Row("accounts:two-factor", "right code: signed in", _code, 302, one("auth.sign_in", DONE)),
    Row("accounts:two-factor", "wrong code", _code_wrong, 302, one("auth.sign_in", REFUSED)),
    Row(
        "accounts:two-factor",
        "wrong code that slows the account",
        _code_slows_the_account,
        302,
        (("auth.sign_in", REFUSED), ("auth.throttle", DONE)),
    ),
    Row(
        "accounts:sign-in",
        "wrong password that slows the address",
        _address_slowed,
        302,
        (("auth.sign_in", REFUSED), ("auth.throttle", DONE)),
    ),
    Row(
        "accounts:sign-in",
        "an address that must wait",
        _address_waits,
        429,
        one("auth.sign_in", REFUSED),
    ),
    Row("accounts:enrol", "set-up page", _enrol_page, 200, NOTHING),
    Row(
        "accounts:council-sign-in",
        "council sign-in off: not found",
        get(None, fixed("/account/sign-in/council/")),
        404,
        NOTHING,
    ),
    Row(
        "accounts:council-sign-in",
        "the provider cannot be reached",
        _council("/account/sign-in/council/"),
        403,
        one("auth.oidc_sign_in", REFUSED),
    ),
    Row(
        "accounts:council-sign-in-done",
        "council sign-in off: not found",
        get(None, fixed("/account/sign-in/council/done/")),
        404,
        NOTHING,
    ),
    Row(
        "accounts:council-sign-in-done",
        "an answer this browser did not start",
        _council("/account/sign-in/council/done/", {"code": "x", "state": "y"}),
        403,
        one("auth.oidc_sign_in", REFUSED),
    ),
    Row("accounts:enrol", "app set up: signed in", _enrol, 302, one("auth.sign_in", DONE)),
    Row(
        "accounts:sign-out",
        "sign out",
        post("worker", fixed("/account/sign-out/")),
        302,
        one("auth.sign_out", DONE),
    ),
    Row(
        "accounts:sign-out-everywhere",
        "sign out everywhere",
        post("worker", fixed("/account/sign-out-everywhere/")),
        302,
        one("auth.sign_out_everywhere", DONE),
    ),
    # joiners and movers
    Row("accounts:people", "list", get("admin", fixed("/account/people/")), 200, NOTHING),
    Row(
        "accounts:people",
        "a worker",
        get("worker", fixed("/account/people/")),
        403,
        one("page.open", REFUSED),
    ),
    Row("accounts:person", "one sign-in", get("admin", _people("")), 200, NOTHING),
    Row("accounts:invite", "create a sign-in", _invite_new, 200, one("account.invite", DONE)),
    Row(
        "accounts:invite",
        "someone who has one",
        post("admin", _people("invite/")),
        403,
        one("account.invite", REFUSED),
    ),
    Row(
        "accounts:reset-password",
        "reset",
        post("admin", _people("reset-password/")),
        200,
        one("account.password_reset", DONE),
    ),
    Row(
        "accounts:reset-password",
        "one's own",
        post("admin", lambda w: f"/account/people/{w.staff['admin'].staff_id}/reset-password/"),
        403,
        one("account.password_reset", REFUSED),
    ),
    Row(
        "accounts:reset-authenticator",
        "reset",
        post("admin", _people("reset-authenticator/")),
        302,
        one("account.two_factor_reset", DONE),
    ),
    Row("accounts:unlock", "unlock", _slowed_stranger, 302, one("account.unlock", DONE)),
    Row(
        "accounts:set-up-link",
        "a link that works",
        _set_up_open,
        302,
        NOTHING,
    ),
    Row(
        "accounts:set-up-link",
        "a wrong link",
        get(None, fixed("/account/set-up/" + "x" * 43 + "/")),
        403,
        one("account.set_up", REFUSED),
    ),
    Row("accounts:set-up", "password page", _set_up_opened, 200, NOTHING),
    Row("accounts:set-up", "password chosen", _set_up_choose, 302, one("account.set_up", DONE)),
    # staff directory
    Row("organisation:staff-list", "list", get("admin", fixed("/staff/")), 200, NOTHING),
    Row("organisation:team", "my team", get("manager", fixed("/staff/team/")), 200, NOTHING),
    Row("organisation:staff-add", "form", get("admin", fixed("/staff/add/")), 200, NOTHING),
    Row(
        "organisation:staff-add",
        "add",
        post("admin", fixed("/staff/add/"), _staff_add),
        302,
        one("staff.create", DONE),
    ),
    Row("organisation:staff-change", "form", get("admin", _stranger("change/")), 200, NOTHING),
    Row(
        "organisation:staff-change",
        "change",
        post("admin", _stranger("change/"), _staff_change),
        302,
        one("staff.update", DONE),
    ),
    Row(
        "organisation:staff-change",
        "one's own roles",
        post("admin", lambda w: f"/staff/{w.staff['admin'].staff_id}/change/", _own_change),
        403,
        one("staff.change_staff", REFUSED),
    ),
    Row("organisation:staff-changes", "queue", get("ig", fixed("/staff/changes/")), 200, NOTHING),
    Row(
        "organisation:staff-changes",
        "a second person approves",
        _staff_change_decision("ig"),
        302,
        one("staff.change_approve", DONE),
    ),
    Row(
        "organisation:staff-changes",
        "the person who asked",
        _staff_change_decision("admin"),
        403,
        one("staff_change.decide_staff_change", REFUSED),
    ),
    Row("organisation:staff-end", "form", get("admin", _stranger("end/")), 200, NOTHING),
    Row(
        "organisation:staff-end",
        "end",
        post("admin", _stranger("end/"), lambda w: {"end_date": IN_A_MONTH}),
        302,
        one("staff.end", DONE),
    ),
    # leavers
    Row(
        "organisation:leavers",
        "IG",
        get("ig", fixed("/staff/leavers/")),
        200,
        one("leavers.list", ALLOWED),
    ),
    Row(
        "organisation:leavers",
        "a worker",
        get("worker", fixed("/staff/leavers/")),
        403,
        one("see_leavers", REFUSED),
    ),
    Row(
        "organisation:leaver",
        "IG",
        get("ig", leaver_path("leaver/")),
        200,
        one("leaver.checklist", ALLOWED),
    ),
    Row(
        "organisation:leaver",
        "their team manager",
        get("manager", leaver_path("leaver/")),
        200,
        one("leaver.checklist", ALLOWED),
    ),
    Row(
        "organisation:leaver",
        "a worker",
        get("worker", leaver_path("leaver/")),
        403,
        one("staff.see_leavers", REFUSED),
    ),
    Row(
        "organisation:leaver-device-returned",
        "IT",
        post("it", _leaver_laptop),
        302,
        one("device.returned", DONE),
    ),
    Row(
        "organisation:leaver-device-returned",
        "IG",
        post("ig", _leaver_laptop),
        403,
        one("device.record_device_returned", REFUSED),
    ),
    # caseload and case pages
    Row(
        "records:caseload",
        "my caseload",
        get("worker", fixed("/cases/")),
        200,
        one("case.list", ALLOWED),
    ),
    Row(
        "records:caseload",
        "search",
        get("worker", fixed("/cases/"), {"q": "Number1"}),
        200,
        one("case.list", ALLOWED),
    ),
    Row(
        "records:case",
        "allocated worker",
        get("worker", case_path()),
        200,
        one("case.view", ALLOWED),
    ),
    Row("records:case", "stranger", get("stranger", case_path()), 403, one("case.view", REFUSED)),
    Row(
        "records:chronology",
        "allocated worker",
        get("worker", case_path("chronology/")),
        200,
        one("case.view", ALLOWED),
    ),
    Row(
        "records:chronology",
        "stranger",
        get("stranger", case_path("chronology/")),
        403,
        one("case.view", REFUSED),
    ),
    Row(
        "records:case",
        "no such case",
        get("worker", fixed("/cases/C999999/")),
        403,
        one("case.view", REFUSED),
    ),
    Row("records:case", "unknown device", _as_unknown_device, 403, one("case.view", REFUSED)),
    Row(
        "records:case",
        "on a laptop enrolled by someone else (the credential refused once, then the case)",
        _from_someones_laptop(case_path()),
        403,
        (("device.credential_refused", REFUSED), ("case.view", REFUSED)),
    ),
    Row(
        "records:case",
        "unencrypted laptop off site (the refusal, and the incident it raises)",
        _from_unencrypted_laptop_off_site,
        403,
        (("case.view", REFUSED), ("device.incident", DONE), ("incident.raise", DONE)),
    ),
    Row(
        "records:details",
        "form",
        get("worker", case_path("details/")),
        200,
        one("case.edit", ALLOWED),
    ),
    Row(
        "records:details",
        "save",
        post("worker", case_path("details/"), lambda w: {"nhs_number": "943 476 5919"}),
        302,
        one("subject.details", DONE),
    ),
    Row(
        "records:details",
        "stranger",
        get("stranger", case_path("details/")),
        403,
        one("case.edit", REFUSED),
    ),
    Row(
        "records:entry-add",
        "form",
        get("worker", case_path("entries/add/")),
        200,
        one("case.add_entry", ALLOWED),
    ),
    Row(
        "records:entry-add",
        "form with an error",
        post(
            "worker",
            case_path("entries/add/"),
            lambda w: {
                "entry_type": "case_note",
                "contact_day": "2",
                "contact_month": "11",
                "contact_year": "2026",
                "contact_time": "10am",
                "title": "",
            },
        ),
        400,
        one("case.add_entry", ALLOWED),
    ),
    Row(
        "records:entry-add",
        "add",
        post(
            "worker",
            case_path("entries/add/"),
            lambda w: {
                "entry_type": "case_note",
                "contact_day": "2",
                "contact_month": "11",
                "contact_year": "2026",
                "contact_time": "10am",
                "title": "Visit",
                "body": "Fine",
            },
        ),
        302,
        one("entry.add", DONE),
    ),
    Row(
        "records:entry-add",
        "stranger adds",
        post(
            "stranger",
            case_path("entries/add/"),
            lambda w: {
                "entry_type": "case_note",
                "contact_day": "2",
                "contact_month": "11",
                "contact_year": "2026",
                "contact_time": "10am",
                "title": "Visit",
                "body": "Fine",
            },
        ),
        403,
        one("case.add_entry", REFUSED),
    ),
    Row(
        "records:entry-edit",
        "form",
        get("worker", lambda w: f"/cases/{w.case.case_id}/entries/{w.note.pk}/edit/"),
        200,
        one("case.edit", ALLOWED),
    ),
    Row(
        "records:entry-edit",
        "edit",
        post(
            "worker",
            lambda w: f"/cases/{w.case.case_id}/entries/{w.note.pk}/edit/",
            lambda w: {
                "entry_type": "home_visit",
                "contact_day": "2",
                "contact_month": "11",
                "contact_year": "2026",
                "contact_time": "10am",
                "title": "Home visit",
                "body": "All well, seen again",
            },
        ),
        302,
        one("entry.edit", DONE),
    ),
    Row(
        "records:document-upload",
        "form",
        get("worker", case_path("documents/add/")),
        200,
        one("case.add_entry", ALLOWED),
    ),
    Row(
        "records:document-upload",
        "upload",
        post("worker", case_path("documents/add/"), _upload),
        302,
        one("document.upload", DONE),
    ),
    Row(
        "records:document-download",
        "download",
        get("worker", lambda w: f"/cases/{w.case.case_id}/entries/{w.document.pk}/download/"),
        200,
        one("case.download", ALLOWED),
    ),
    Row(
        "records:allocate",
        "form",
        get("manager", case_path("allocate/")),
        200,
        one("case.allocate", ALLOWED),
    ),
    Row(
        "records:allocate",
        "not the manager",
        get("worker", case_path("allocate/")),
        403,
        one("case.allocate", REFUSED),
    ),
    Row(
        "records:allocate",
        "allocate",
        post(
            "manager",
            case_path("allocate/"),
            lambda w: {
                "worker": w.staff["stranger"].staff_id,
                "role": "co_worker",
                "starts_on": "2026-01-01",
            },
        ),
        302,
        one("allocation.create", DONE),
    ),
    Row(
        "records:entry-draft",
        "save as typed",
        post("worker", case_path("entries/draft/"), lambda w: {"title": "Half", "body": "x"}),
        200,
        one("entry.draft", DONE),
    ),
    Row(
        "records:entry-draft",
        "too long",
        post("worker", case_path("entries/draft/"), lambda w: {"title": "x" * 201}),
        400,
        one("case.add_entry", ALLOWED),
    ),
    Row(
        "records:entry-draft",
        "discard one",
        _discarding,
        302,
        one("entry.draft_discard", DONE),
    ),
    Row(
        "records:entry-draft",
        "discard when there is none",
        post("worker", case_path("entries/draft/"), lambda w: {"discard": "1"}),
        302,
        one("case.add_entry", ALLOWED),
    ),
    Row(
        "records:entry-draft",
        "stranger",
        post("stranger", case_path("entries/draft/"), lambda w: {"title": "x"}),
        403,
        one("case.add_entry", REFUSED),
    ),
    Row(
        "records:closure",
        "form",
        get("manager", case_path("closure/")),
        200,
        one("case.close_case", ALLOWED),
    ),
    Row(
        "records:closure",
        "not the manager",
        get("worker", case_path("closure/")),
        403,
        one("case.close_case", REFUSED),
    ),
    Row(
        "records:closure",
        "form with an error",
        post("manager", case_path("closure/"), lambda w: {"reason": ""}),
        400,
        one("case.close_case", ALLOWED),
    ),
    Row(
        "records:closure",
        "close",
        post("manager", case_path("closure/"), _closing_form),
        302,
        (("case.close", DONE), ("allocation.end", DONE)),  # the worker's allocation ends
    ),
    Row("records:closure", "reopen", _reopening, 302, one("case.reopen", DONE)),
    Row(
        "records:grant-request", "form", get("stranger", case_path("request-access/")), 200, NOTHING
    ),
    Row(
        "records:grant-request",
        "ask",
        post("stranger", case_path("request-access/"), _grant_request_form),
        200,
        one("grant.request", DONE),
    ),
    Row(
        "records:grant-request",
        "ask for no such case",
        post("stranger", fixed("/cases/C999999/request-access/"), _grant_request_form),
        200,
        one("grant.request", REFUSED),
    ),
    Row(
        "records:grant-requests",
        "queue",
        get("manager", fixed("/cases/access-requests/")),
        200,
        NOTHING,
    ),
    Row("records:grant-requests", "approve", _grant_decision, 302, one("grant.approve", DONE)),
    Row(
        "records:my-requests",
        "my requests",
        get("worker", fixed("/cases/my-requests/")),
        200,
        one("request.list", ALLOWED),
    ),
    Row(
        "records:workload",
        "the team's workload",
        get("manager", fixed("/cases/workload/")),
        200,
        one("case.list", ALLOWED),
    ),
    Row(
        "records:workload",
        "not a manager",
        get("worker", fixed("/cases/workload/")),
        403,
        one("page.open", REFUSED),
    ),
    Row(
        "records:allocation-end",
        "form",
        _end_allocation(None),
        200,
        one("case.allocate", ALLOWED),
    ),
    Row(
        "records:allocation-end",
        "end",
        _end_allocation({"ends_on": "2026-01-01", "reason": "Moved to the leaving care team"}),
        302,
        one("allocation.end", DONE),
    ),
    Row(
        "records:allocation-end",
        "no reason",
        _end_allocation({"ends_on": "2026-01-01", "reason": ""}),
        400,
        one("case.allocate", ALLOWED),
    ),
    Row("records:grant-revoke", "form", _revoke_form, 200, one("case.view", ALLOWED)),
    Row(
        "records:grant-revoke",
        "revoke",
        _revoke("The strategy discussion has finished"),
        302,
        one("grant.revoke", DONE),
    ),
    Row("records:grant-revoke", "no reason", _revoke(""), 400, one("case.view", ALLOWED)),
    Row(
        "records:refer",
        "form",
        get("manager", case_path("refer/")),
        200,
        one("case.refer", ALLOWED),
    ),
    Row(
        "records:refer",
        "refer",
        post(
            "manager",
            case_path("refer/"),
            lambda w: {
                "kind": "referral",
                "to_team": w.other_team.pk,
                "reason": "Moving to adult services at eighteen",
            },
        ),
        302,
        one("referral.create", DONE),
    ),
    Row("records:referrals", "queue", get("receiver", fixed("/cases/referrals/")), 200, NOTHING),
    Row(
        "records:referrals",
        "accept a referral",
        _referral("referral"),
        302,
        one("referral.accept", DONE),
    ),
    Row(
        "records:referrals",
        "accept a transfer",
        _referral("transfer"),
        302,
        one("case.transfer", DONE),
    ),
    Row("records:break-glass", "form", get("stranger", case_path("break-glass/")), 200, NOTHING),
    Row(
        "records:break-glass",
        "open",
        post(
            "stranger",
            case_path("break-glass/"),
            lambda w: {"reason": "Police called about a missing child"},
        ),
        302,
        one("break_glass.start", DONE),
    ),
    Row(
        "records:break-glass-queue",
        "queue",
        get("ig", fixed("/cases/break-glass-reviews/")),
        200,
        NOTHING,
    ),
    Row(
        "records:break-glass-queue",
        "review",
        _glass_review,
        302,
        one("break_glass.justified", DONE),
    ),
    Row(
        "records:who-can-see",
        "IG",
        get("ig", case_path("who-can-see/")),
        200,
        one("case.who_can_see", ALLOWED),
    ),
    Row(
        "records:who-can-see",
        "owning team's manager",
        get("manager", case_path("who-can-see/")),
        200,
        one("case.who_can_see", ALLOWED),
    ),
    Row(
        "records:who-can-see",
        "allocated worker",
        get("worker", case_path("who-can-see/")),
        403,
        one("case.who_can_see", REFUSED),
    ),
    # devices
    Row("devices:this-device", "page", get("worker", fixed("/devices/this-device/")), 200, NOTHING),
    Row(
        "devices:this-device",
        "on a laptop enrolled by someone else",
        _from_someones_laptop(fixed("/devices/this-device/")),
        200,
        one("device.credential_refused", REFUSED),
    ),
    Row("devices:enrol", "form", get("worker", fixed("/devices/enrol/")), 200, NOTHING),
    Row("devices:enrol", "enrol", _enrol_code("worker"), 302, one("device.enrol", DONE)),
    Row("devices:enrol", "wrong code", _enrol_code(None), 200, one("device.enrol", REFUSED)),
    Row(
        "devices:enrol",
        "someone else's code",
        _enrol_code("manager"),
        200,
        one("device.enrol", REFUSED),
    ),
    Row(
        "devices:enrol-personal",
        "how to use your own device",
        get("worker", fixed("/devices/enrol/personal/")),
        200,
        NOTHING,
    ),
    Row(
        "devices:enrol-personal",
        "a browser saying what it is",
        post(
            "worker",
            fixed("/devices/enrol/personal/"),
            lambda w: {"device_type": "smartphone", "passcode": "yes", "os": "Android 14"},
        ),
        405,
        NOTHING,
    ),
    Row("devices:report", "form", _report("GET"), 200, NOTHING),
    Row(
        "devices:report",
        "report lost",
        _report("POST"),
        302,
        (("device.report_lost", DONE), ("incident.raise", DONE)),
    ),
    Row("devices:reported", "what was done from it", _reported, 200, NOTHING),
    Row(
        "devices:complaint-new",
        "form",
        get("worker", fixed("/devices/complaints/new/")),
        200,
        NOTHING,
    ),
    Row(
        "devices:complaint-new",
        "complain",
        post(
            "worker",
            fixed("/devices/complaints/new/"),
            lambda w: {"category": "device_fault", "summary": "VPN dropped at every visit"},
        ),
        302,
        one("device.complaint", DONE),
    ),
    Row("devices:complaint-queue", "queue", get("it", fixed("/devices/complaints/")), 200, NOTHING),
    Row("devices:complaint-detail", "form", _complaint_call("GET"), 200, NOTHING),
    Row(
        "devices:complaint-detail",
        "resolve",
        _complaint_call("POST"),
        302,
        one("device.complaint_update", DONE),
    ),
    Row("devices:register", "list", get("it", fixed("/devices/register/")), 200, NOTHING),
    Row(
        "devices:register",
        "practitioner refused by role",
        get("worker", fixed("/devices/register/")),
        403,
        one("page.open", REFUSED),
    ),
    Row(
        "devices:register-csv",
        "download the register",
        get("it", fixed("/devices/register.csv")),
        200,
        one("device.register_export", DONE),
    ),
    Row(
        "devices:register-csv",
        "practitioner refused by role",
        get("worker", fixed("/devices/register.csv")),
        403,
        one("page.open", REFUSED),
    ),
    Row("devices:add", "form", get("it", fixed("/devices/register/add/")), 200, NOTHING),
    Row(
        "devices:add",
        "add",
        post("it", fixed("/devices/register/add/"), lambda w: _device_form(asset_tag="LAP-R1")),
        302,
        one("device.create", DONE),
    ),
    Row(
        "devices:non-compliant",
        "list",
        get("it", fixed("/devices/register/non-compliant/")),
        200,
        NOTHING,
    ),
    Row("devices:it-task-done", "done", _it_task_done, 302, one("device.it_task_done", DONE)),
    Row("devices:detail", "page", _register("GET", ""), 200, NOTHING),
    Row("devices:change", "form", _register("GET", "change/"), 200, NOTHING),
    Row(
        "devices:change",
        "change",
        _register("POST", "change/", _device_form(os="Windows 11 24H2")),
        302,
        one("device.update", DONE),
    ),
    Row(
        "devices:change",
        "unencrypted laptop moved off site",
        _register("POST", "change/", _device_form(encrypted="no", on_site=""), encrypted="no"),
        302,
        (("device.update", DONE), ("device.incident", DONE), ("incident.raise", DONE)),
    ),
    Row(
        "devices:enrolment-code",
        "issue",
        _register("POST", "enrolment-code/", assigned="worker"),
        200,
        one("device.enrolment_code", DONE),
    ),
    Row("devices:retire", "form", _register("GET", "retire/"), 200, NOTHING),
    Row("devices:retire", "retire", _register("POST", "retire/"), 302, one("device.retire", DONE)),
    Row("devices:task-policy", "page", get("ig", fixed("/devices/task-policy/")), 200, NOTHING),
    Row(
        "devices:task-policy-edit",
        "form",
        get("ig", fixed("/devices/task-policy/personal/tablet/")),
        200,
        NOTHING,
    ),
    Row(
        "devices:task-policy-edit",
        "change",
        _task_policy_edit,
        302,
        one("task_policy.change", DONE),
    ),
    # audit (IG)
    Row(
        "audit:dashboard",
        "practitioner refused by role",
        get("worker", fixed("/audit/")),
        403,
        one("page.open", REFUSED),
    ),
    Row(
        "audit:dashboard",
        "dashboard",
        get("ig", fixed("/audit/")),
        200,
        one("audit.dashboard", ALLOWED),
    ),
    Row("audit:alert-triage", "acknowledge", _alert_triage, 302, one("alert.acknowledge", DONE)),
    Row(
        "audit:alert-triage",
        "practitioner refused by role",
        post("worker", fixed("/audit/alerts/")),
        403,
        one("page.open", REFUSED),
    ),
    Row(
        "audit:alert-triage",
        "nothing chosen: the dashboard again",
        post("ig", fixed("/audit/alerts/"), lambda w: {"rule": "integrity", "key": "0"}),
        400,
        one("audit.dashboard", ALLOWED),
    ),
    Row("audit:people", "form", get("ig", fixed("/audit/people/")), 200, NOTHING),
    Row(
        "audit:people",
        "search",
        get("ig", fixed("/audit/people/"), {"q": "C000001"}),
        200,
        one("audit.subject_search", ALLOWED),
    ),
    Row("audit:subject-report", "form", get("ig", fixed("/audit/subject/")), 200, NOTHING),
    Row(
        "audit:subject-report",
        "report",
        get("ig", fixed("/audit/subject/"), {"subject_id": "P000001"}),
        200,
        one("audit.report_subject", ALLOWED),
    ),
    Row(
        "audit:subject-report",
        "CSV",
        get("ig", fixed("/audit/subject/"), {"subject_id": "P000001", "format": "csv"}),
        200,
        one("audit.report_subject_csv", ALLOWED),
    ),
    Row("audit:staff-report", "form", get("ig", fixed("/audit/staff/")), 200, NOTHING),
    Row(
        "audit:staff-report",
        "report",
        get("ig", fixed("/audit/staff/"), {"staff_id": "S00001", **PERIOD}),
        200,
        one("audit.report_staff", ALLOWED),
    ),
    Row("audit:refusals-report", "form", get("ig", fixed("/audit/refusals/")), 200, NOTHING),
    Row(
        "audit:refusals-report",
        "report",
        get("ig", fixed("/audit/refusals/"), PERIOD),
        200,
        one("audit.report_refusals", ALLOWED),
    ),
    # the FOI report (FOI officers and IG)
    Row(
        "governance:foi-report",
        "practitioner refused by the door",
        get("worker", fixed("/governance/foi/")),
        403,
        one("answer_foi", REFUSED),
    ),
    Row(
        "governance:foi-report",
        "the answers",
        get("ig", fixed("/governance/foi/")),
        200,
        one("foi.report", ALLOWED),
    ),
    Row(
        "governance:foi-report",
        "a day that does not exist",
        get(
            "ig",
            fixed("/governance/foi/"),
            {"as_of_day": "31", "as_of_month": "2", "as_of_year": "2026"},
        ),
        400,
        NOTHING,
    ),
    Row(
        "governance:foi-download",
        "the letter as a PDF",
        get("ig", fixed("/governance/foi/download/pdf/")),
        200,
        one("foi.report", ALLOWED),
    ),
    # FOI requests (FOI officers and IG)
    Row(
        "governance:foi-requests",
        "practitioner refused by the door",
        get("worker", fixed("/governance/foi/requests/")),
        403,
        one("answer_foi", REFUSED),
    ),
    Row(
        "governance:foi-requests",
        "the register",
        get("ig", fixed("/governance/foi/requests/")),
        200,
        one("foi.request.view", ALLOWED),
    ),
    Row(
        "governance:foi-request-new",
        "the form",
        get("ig", fixed("/governance/foi/requests/new/")),
        200,
        NOTHING,
    ),
    Row(
        "governance:foi-request-new",
        "log a request",
        post(
            "ig",
            fixed("/governance/foi/requests/new/"),
            lambda w: {
                "received_on": "2020-02-11",
                "requester_name": "A. Researcher",
                "requester_contact": "researcher@example.org",
                "questions": "How many parking permits did you issue?",
            },
        ),
        302,
        one("foi.request.log", DONE),
    ),
    Row(
        "governance:foi-request-new",
        "no questions: nothing saved",
        post(
            "ig",
            fixed("/governance/foi/requests/new/"),
            lambda w: {"received_on": "2020-02-11", "requester_name": "A", "questions": ""},
        ),
        400,
        NOTHING,
    ),
    Row(
        "governance:foi-request",
        "the request, its requester opened",
        _foi_call("GET"),
        200,
        one("foi.request.view", ALLOWED),
    ),
    Row(
        "governance:foi-request",
        "an answer",
        _foi_call(
            "POST",
            data={"form": "answer", "position": "1", "q1-position": "1", "q1-answer": "2,140"},
        ),
        302,
        one("foi.question.answer", DONE),
    ),
    Row(
        "governance:foi-request-letter",
        "the response letter",
        _foi_call("GET", "letter/html/"),
        200,
        one("foi.request.view", ALLOWED),
    ),
    Row(
        "governance:foi-disclosure-log",
        "the page",
        get("ig", fixed("/governance/foi/disclosure-log/")),
        200,
        one("foi.request.view", ALLOWED),
    ),
    Row(
        "governance:foi-disclosure-log-csv",
        "the CSV",
        get("ig", fixed("/governance/foi/disclosure-log.csv")),
        200,
        one("foi.request.view", ALLOWED),
    ),
    # retention and disposal (IG)
    Row(
        "governance:retention",
        "practitioner refused by the door",
        get("worker", fixed("/governance/retention/")),
        403,
        one("manage_retention", REFUSED),
    ),
    Row(
        "governance:retention",
        "the records due",
        get("ig", fixed("/governance/retention/")),
        200,
        one("disposal_batch.view", ALLOWED),
    ),
    Row(
        "governance:retention",
        "approve a month's list",
        _retention_approve,
        302,
        (("case.dispose", DONE), ("disposal_batch.approve", DONE)),
    ),
    Row(
        "governance:retention",
        "place a legal hold",
        post(
            "ig",
            fixed("/governance/retention/"),
            lambda w: {"form": "hold", "case_id": w.case.case_id, "reason": "Claim pending now"},
        ),
        302,
        one("retention.hold", DONE),
    ),
    Row(
        "governance:retention",
        "a hold without a reason",
        post("ig", fixed("/governance/retention/"), lambda w: {"form": "hold", "case_id": "X"}),
        400,
        one("retention.hold_refused", ALLOWED),
    ),
    Row(
        "governance:retention-disposed",
        "the tombstones",
        get("ig", fixed("/governance/retention/disposed/")),
        200,
        one("tombstone.view", ALLOWED),
    ),
    Row(
        "governance:retention-tombstone",
        "one tombstone",
        _tombstone,
        200,
        one("tombstone.view", ALLOWED),
    ),
    # subject access requests (IG)
    Row(
        "governance:sar-list",
        "practitioner refused by the door",
        get("worker", fixed("/governance/subject-access/")),
        403,
        one("answer_sar", REFUSED),
    ),
    Row(
        "governance:sar-list",
        "the requests",
        get("ig", fixed("/governance/subject-access/")),
        200,
        one("sar.list", ALLOWED),
    ),
    Row(
        "governance:sar-list",
        "find the person",
        get("ig", fixed("/governance/subject-access/"), {"q": "2015-05-01"}),
        200,
        one("sar.search", ALLOWED),
    ),
    Row(
        "governance:sar-new",
        "the form",
        get("ig", lambda w: f"/governance/subject-access/new/{w.case.subject.subject_id}/"),
        200,
        one("sar.open_form", ALLOWED),
    ),
    Row(
        "governance:sar-new",
        "open a request",
        post(
            "ig",
            lambda w: f"/governance/subject-access/new/{w.case.subject.subject_id}/",
            lambda w: {"received_on": "2026-01-31"},
        ),
        302,
        one("sar.open", DONE),
    ),
    Row(
        "governance:sar-new",
        "a date that does not exist",
        post(
            "ig",
            lambda w: f"/governance/subject-access/new/{w.case.subject.subject_id}/",
            lambda w: {"received_on": "2026-02-30"},
        ),
        400,
        one("sar.open_refused", ALLOWED),
    ),
    Row(
        "governance:sar",
        "practitioner refused by the door",
        get("worker", sar_path()),
        403,
        one("sar.answer_sar", REFUSED),
    ),
    Row("governance:sar", "the request", get("ig", sar_path()), 200, one("sar.view", ALLOWED)),
    Row(
        "governance:sar",
        "withhold the note",
        post(
            "ig",
            sar_path(),
            lambda w: {
                "form": "withhold",
                "entry": w.note.pk,
                f"entry-{w.note.pk}-reason": "third-party information",
            },
        ),
        302,
        one("sar.withhold", DONE),
    ),
    Row(
        "governance:sar",
        "identity confirmed",
        post("ig", sar_path(), lambda w: {"form": "identity", "confirmed_on": "2030-01-01"}),
        302,
        one("sar.identity", DONE),
    ),
    Row(
        "governance:sar",
        "an extension without a reason",
        post("ig", sar_path(), lambda w: {"form": "extend", "months": "1", "reason": ""}),
        400,
        one("sar.extend_refused", ALLOWED),
    ),
    Row(
        "governance:sar-preview",
        "what will be released",
        get("ig", sar_path("preview/")),
        200,
        one("sar.preview", ALLOWED),
    ),
    Row(
        "governance:sar-export",
        "the password form",
        get("ig", sar_path("export/")),
        200,
        one("sar.export_form", ALLOWED),
    ),
    Row(
        "governance:sar-export",
        "make the export",
        post(
            "ig",
            sar_path("export/"),
            lambda w: {"password": "routes password", "confirm": "routes password"},
        ),
        302,
        (("audit.checkpoint", DONE), ("sar.export", DONE)),
    ),
    Row(
        "governance:sar-export",
        "passwords that differ",
        post("ig", sar_path("export/"), lambda w: {"password": "routes pass", "confirm": "x"}),
        400,
        one("sar.export_refused", ALLOWED),
    ),
    Row("governance:sar-download", "the export", _sar_download, 200, one("sar.download", DONE)),
    # API tokens page and the API
    Row("api-tokens", "page", get("worker", fixed(f"{API}/tokens/")), 200, NOTHING),
    Row(
        "api-tokens",
        "create",
        post("worker", fixed(f"{API}/tokens/"), lambda w: {"name": "Case system"}),
        200,
        one("api_token.create", DONE),
    ),
    Row("api-tokens", "revoke", _token_revoke, 302, one("api_token.revoke", DONE)),
    Row(
        "api:openapi-json",
        "OpenAPI document",
        get(None, fixed(f"{API}/openapi.json")),
        200,
        NOTHING,
    ),
    Row("api:openapi-view", "API docs page", get(None, fixed(f"{API}/docs")), 200, NOTHING),
    Row("api:api-root", "API root", get(None, fixed(f"{API}/")), 404, NOTHING),
    Row(
        "scim:service-provider-config",
        "discovery",
        _scim("GET", fixed(f"{SCIM}/ServiceProviderConfig")),
        200,
        one("scim.read", ALLOWED),
    ),
    Row(
        "scim:resource-types",
        "discovery",
        _scim("GET", fixed(f"{SCIM}/ResourceTypes")),
        200,
        one("scim.read", ALLOWED),
    ),
    Row(
        "scim:resource-type",
        "discovery",
        _scim("GET", fixed(f"{SCIM}/ResourceTypes/User")),
        200,
        one("scim.read", ALLOWED),
    ),
    Row(
        "scim:schemas",
        "discovery",
        _scim("GET", fixed(f"{SCIM}/Schemas")),
        200,
        one("scim.read", ALLOWED),
    ),
    Row(
        "scim:schema",
        "discovery",
        _scim("GET", fixed(f"{SCIM}/Schemas/urn:ietf:params:scim:schemas:core:2.0:User")),
        200,
        one("scim.read", ALLOWED),
    ),
    Row("scim:users", "list", _scim("GET", fixed(f"{SCIM}/Users")), 200, one("scim.read", ALLOWED)),
    Row(
        "scim:users",
        "a wrong token",
        _scim("GET", fixed(f"{SCIM}/Users"), token="none"),
        401,
        one("auth.scim_token", REFUSED),
    ),
    Row(
        "scim:users",
        "create",
        _scim("POST", fixed(f"{SCIM}/Users"), _scim_new_user),
        201,
        one("staff.create", DONE),
    ),
    Row(
        "scim:users-search",
        "search",
        _scim("POST", fixed(f"{SCIM}/Users/.search"), lambda w: {"filter": "active eq true"}),
        200,
        one("scim.read", ALLOWED),
    ),
    Row(
        "scim:search",
        "search",
        _scim("POST", fixed(f"{SCIM}/.search"), lambda w: {"count": 5}),
        200,
        one("scim.read", ALLOWED),
    ),
    Row("scim:user", "read", _scim("GET", _scim_someone), 200, one("scim.read", ALLOWED)),
    Row(
        "scim:user",
        "deactivate",
        _scim(
            "PATCH",
            _scim_someone,
            _scim_patch([{"op": "Replace", "path": "active", "value": False}]),
        ),
        200,
        (("staff.end", DONE), ("staff.leaver_processed", DONE)),  # the leaver workflow
    ),
    Row(
        "scim:user",
        "delete",
        _scim("DELETE", _scim_someone),
        204,
        (("staff.end", DONE), ("staff.leaver_processed", DONE), ("scim.user_remove", DONE)),
    ),
    Row(
        "scim:groups", "list", _scim("GET", fixed(f"{SCIM}/Groups")), 200, one("scim.read", ALLOWED)
    ),
    Row(
        "scim:groups-search",
        "search",
        _scim("POST", fixed(f"{SCIM}/Groups/.search"), lambda w: {"count": 5}),
        200,
        one("scim.read", ALLOWED),
    ),
    Row(
        "scim:group",
        "read",
        _scim("GET", lambda w: f"{SCIM}/Groups/team-{w.team.pk}"),
        200,
        one("scim.read", ALLOWED),
    ),
    Row(
        "scim:group",
        "join a team",
        _scim("PATCH", lambda w: f"{SCIM}/Groups/team-{w.other_team.pk}", _scim_join_team),
        200,
        one("staff.update", DONE),
    ),
    Row("scim:unknown", "nothing there", _scim("GET", fixed(f"{SCIM}/Nothing")), 404, NOTHING),
    Row("healthz", "load balancer", get(None, fixed("/healthz")), 200, NOTHING),
    Row("readyz", "load balancer, chain caught up", _ready, 200, NOTHING),
    Row(
        "GET /api/v1/cases",
        "list",
        _api("GET", fixed(f"{API}/cases")),
        200,
        one("case.list", ALLOWED),
    ),
    Row(
        "GET /api/v1/cases",
        "a leaver's token",
        _api_leavers_token,
        401,
        one("auth.api_token", REFUSED),
    ),
    Row(
        "GET /api/v1/cases",
        "someone else's device credential",
        _api_someone_elses_device,
        403,
        (("device.credential_refused", REFUSED), ("case.list", REFUSED)),
    ),
    Row(
        "GET /api/v1/cases/{case_id}",
        "read",
        _api("GET", lambda w: f"{API}/cases/{w.case.case_id}"),
        200,
        one("case.view", ALLOWED),
    ),
    Row(
        "GET /api/v1/cases/{case_id}",
        "no such case",
        _api("GET", fixed(f"{API}/cases/C999999")),
        403,
        one("case.view", REFUSED),
    ),
    Row(
        "POST /api/v1/cases/{case_id}/entries",
        "add",
        _api(
            "POST",
            lambda w: f"{API}/cases/{w.case.case_id}/entries",
            {
                "entry_type": "case_note",
                "contact_day": "2",
                "contact_month": "11",
                "contact_year": "2026",
                "contact_time": "10am",
                "title": "Phone call",
                "body": "Spoke to school",
            },
        ),
        201,
        one("entry.add", DONE),
    ),
    Row("POST /api/v1/devices/enrol", "enrol", _api_enrol, 201, one("device.enrol", DONE)),
    Row("governance:incidents", "list", get("ig", fixed("/governance/incidents/")), 200, NOTHING),
    Row(
        "governance:incidents",
        "practitioner refused",
        get("worker", fixed("/governance/incidents/")),
        403,
        one("staff.run_incidents", REFUSED),
    ),
    Row(
        "governance:incident-new",
        "form",
        get("ig", fixed("/governance/incidents/new/")),
        200,
        NOTHING,
    ),
    Row(
        "governance:incident-new",
        "record",
        post(
            "ig",
            fixed("/governance/incidents/new/"),
            lambda w: {
                "category": "other",
                "occurred_on": timezone.localdate().isoformat(),
                "summary": "Door propped open",
            },
        ),
        302,
        one("incident.record", DONE),
    ),
    Row("governance:incident", "page", get("ig", _incident_path), 200, NOTHING),
    Row(
        "governance:incident",
        "action",
        post("ig", _incident_path, lambda w: {"form": "action", "text": "Phoned the owner"}),
        302,
        one("incident.action", DONE),
    ),
    Row(
        "governance:incident",
        "practitioner refused",
        get("worker", _incident_path),
        403,
        one("incident.run_incidents", REFUSED),
    ),
    Row(
        "governance:number-shared",
        "form",
        get("manager", fixed("/governance/incidents/number-shared/")),
        200,
        NOTHING,
    ),
    Row(
        "governance:number-shared",
        "report",
        post("manager", fixed("/governance/incidents/number-shared/"), _number_shared),
        302,
        one("incident.record", DONE),
    ),
    Row(
        "governance:number-shared",
        "another team's manager refused",
        post("receiver", fixed("/governance/incidents/number-shared/"), _number_shared),
        400,
        NOTHING,
    ),
    Row(
        "governance:number-shared",
        "practitioner refused",
        get("worker", fixed("/governance/incidents/number-shared/")),
        403,
        one("staff.report_incident", REFUSED),
    ),
    # --- sites ---
    Row(
        "sites:list", "IG's overview", get("ig", fixed("/sites/")), 200, one("sites.view", ALLOWED)
    ),
    Row(
        "sites:list",
        "practitioner refused by role",
        get("worker", fixed("/sites/")),
        403,
        one("page.open", REFUSED),
    ),
    Row(
        "sites:site",
        "the centre manager's site page",
        get("manager", site_path(lambda t: f"/sites/{t.site.pk}/")),
        200,
        one("site.view", ALLOWED),
    ),
    Row(
        "sites:visitors",
        "the visitor log",
        get("manager", site_path(lambda t: f"/sites/{t.site.pk}/visitors/"), {"q": "nhs"}),
        200,
        one("visits.search", ALLOWED),
    ),
    Row(
        "sites:visitors",
        "sign a visitor in",
        post("manager", site_path(lambda t: f"/sites/{t.site.pk}/visitors/"), _visitor),
        302,
        one("visit.sign_in", DONE),
    ),
    Row(
        "sites:visitor-out",
        "sign a visitor out",
        post("manager", site_path(lambda t: f"/sites/visits/{t.visit.pk}/out/")),
        302,
        one("visit.sign_out", DONE),
    ),
    Row(
        "sites:end-of-day",
        "form",
        get("manager", site_path(lambda t: f"/sites/{t.site.pk}/end-of-day/")),
        200,
        NOTHING,
    ),
    Row(
        "sites:end-of-day",
        "record tonight's check",
        post(
            "manager",
            site_path(lambda t: f"/sites/{t.site.pk}/end-of-day/"),
            lambda w: {"laptops_locked": "on", "paper_locked": "on"},
        ),
        302,
        one("end_of_day.record", DONE),
    ),
    Row(
        "sites:door-code",
        "form",
        get("manager", site_path(lambda t: f"/sites/doors/{t.door.pk}/code/")),
        200,
        NOTHING,
    ),
    Row(
        "sites:door-code",
        "record a new code",
        post("manager", site_path(lambda t: f"/sites/doors/{t.door.pk}/code/"), _new_code),
        302,
        one("door_code.change", DONE),
    ),
    Row(
        "sites:door-code-show",
        "a holder sees the code",
        post("worker", site_path(lambda t: f"/sites/doors/{t.door.pk}/show/")),
        200,
        one("door_code.view", ALLOWED),
    ),
    Row(
        "sites:door-code-show",
        "someone else is refused",
        post("stranger", site_path(lambda t: f"/sites/doors/{t.door.pk}/show/")),
        403,
        one("door_code.view", REFUSED),
    ),
    Row(
        "sites:paper-file",
        "check the case's paper file out",
        post(
            "worker",
            site_path(lambda t: f"/sites/files/{t.paper_file.file_id}/"),
            lambda w: {"action": "check_out"},
        ),
        302,
        one("paper_file.check_out", DONE),
    ),
    Row(
        "sites:paper-file",
        "someone the door refuses",
        post(
            "stranger",
            site_path(lambda t: f"/sites/files/{t.paper_file.file_id}/"),
            lambda w: {"action": "check_out"},
        ),
        403,
        one("case.view", REFUSED),
    ),
    Row("sites:print", "form", get("worker", case_print_path), 200, NOTHING),
    Row("sites:print", "print to a coded printer", _print, 200, one("case.print", DONE)),
    Row(
        "sites:release",
        "a wrong code",
        _release_wrong,
        400,
        one("print.release", REFUSED),
    ),
]


ROWS += [
    # --- access reviews and volunteers' risk assessments ---
    Row(
        "reviews:list",
        "the team manager's reviews",
        get("manager", fixed("/reviews/")),
        200,
        one("access_review.list", ALLOWED),
    ),
    Row(
        "reviews:list",
        "practitioner refused by role",
        get("worker", fixed("/reviews/")),
        403,
        one("page.open", REFUSED),
    ),
    Row(
        "reviews:review",
        "the manager opens a team member's review",
        get("manager", review_path(lambda t: f"/reviews/{t.review.pk}/")),
        200,
        one("access_review.view", ALLOWED),
    ),
    Row(
        "reviews:review",
        "another team's manager refused",
        get("receiver", review_path(lambda t: f"/reviews/{t.review.pk}/")),
        403,
        one("access_review.view", REFUSED),
    ),
    Row(
        "reviews:review",
        "the manager confirms it",
        post(
            "manager",
            review_path(lambda t: f"/reviews/{t.review.pk}/"),
            lambda world: {"outcome": "confirmed"},
        ),
        302,
        one("access_review.confirmed", DONE),
    ),
    Row(
        "reviews:assessments",
        "the volunteer manager's list",
        get("manager", review_path(lambda t: "/reviews/volunteers/")),
        200,
        one("risk_assessment.list", ALLOWED),
    ),
    Row(
        "reviews:assessments",
        "practitioner refused by role",
        get("worker", fixed("/reviews/volunteers/")),
        403,
        one("page.open", REFUSED),
    ),
    Row(
        "reviews:assessment",
        "the form with the volunteer's assessments",
        get("manager", review_path(lambda t: f"/reviews/volunteers/{t.volunteer.staff_id}/")),
        200,
        one("risk_assessment.view", ALLOWED),
    ),
    Row(
        "reviews:assessment",
        "an assessment recorded",
        post(
            "manager",
            review_path(lambda t: f"/reviews/volunteers/{t.volunteer.staff_id}/"),
            lambda world: {
                "outcome": "approved",
                "scope_team": world.team.pk,
                "max_classification": "OFFICIAL",
                "review_due": (timezone.localdate() + dt.timedelta(days=100)).isoformat(),
            },
        ),
        302,
        one("risk_assessment.record", DONE),
    ),
]


# --- walking the routes ------------------------------------------------------------------


def all_routes() -> set[str]:
    """Every page route by its URL name, and every API operation as "METHOD /api/v1/path"."""
    routes = route_names(leave_out=is_api_operation)
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    routes.add(f"{method} {API}{prefix}{path}")
    return routes


def test_every_route_has_a_row() -> None:
    routes = all_routes()
    covered = {row.route for row in ROWS}
    assert sorted(routes - covered) == [], "routes with no row in the table: add one"
    assert sorted(covered - routes) == [], "rows for routes that no longer exist"


def test_the_walk_finds_pages_and_api_operations() -> None:
    routes = all_routes()
    assert {"records:case", "accounts:sign-in", "POST /api/v1/cases/{case_id}/entries"} <= routes


def _fits(template: str, path: str) -> bool:
    return re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path) is not None


def _route_of(call: Call) -> str:
    """The route a request reaches, named as the table names it."""
    if call.path.startswith(f"{API}/"):
        rest = call.path[len(API) :]
        for prefix, router in api._routers:
            for template, path_view in router.path_operations.items():
                for operation in path_view.operations:
                    if call.method in operation.methods and _fits(prefix + template, rest):
                        return f"{call.method} {API}{prefix}{template}"
    return str(resolve(call.path).view_name)


def _last_id() -> int:
    return AuditEntry.objects.aggregate(last=Max("id"))["last"] or 0


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_route_writes_what_the_table_says(row: Row, world: World, client: Client) -> None:
    call = row.prepare(world, client)
    assert _route_of(call) == row.route, "the row's request goes to another route"
    before = _last_id()
    response = call.send()
    assert response.status_code == row.status
    written = AuditEntry.objects.filter(id__gt=before).order_by("id")
    assert [(entry.action, entry.decision) for entry in written] == list(row.expect)
    if call.method == "GET" and response.get("Content-Type", "").startswith("text/html"):
        assert raw_codes_in(response.content.decode()) == [], "the page shows internal codes"


def test_every_action_a_route_writes_has_words() -> None:
    """What the IG pages and a subject's access history show for each entry: never a code."""
    written = {pair for row in ROWS for pair in row.expect}
    missing = sorted(f"{a} ({d})" for a, d in written if action_words(a, d) in {a, ""})
    assert missing == []


def _first_row_per_route() -> list[Row]:
    first: dict[str, Row] = {}
    for row in ROWS:
        first.setdefault(row.route, row)
    return list(first.values())


ONE_ROW_PER_ROUTE = _first_row_per_route()


@pytest.mark.parametrize("method", ["TRACE", "OPTIONS", "PUT", "DELETE"])
@pytest.mark.parametrize("row", ONE_ROW_PER_ROUTE, ids=[row.route for row in ONE_ROW_PER_ROUTE])
def test_other_methods_are_refused_before_any_view_and_record_nothing(
    row: Row, method: str, world: World, client: Client
) -> None:
    """TRACE, OPTIONS and the rest get 405 on every route, signed in or not, and are not
    recorded as a view of anything."""
    call = row.prepare(world, client)
    allowed = getattr(resolve(call.path).func, "http_methods", ("GET", "HEAD", "POST"))
    if method in allowed:
        pytest.skip(f"{row.route} takes {method} (SCIM)")
    before = _last_id()
    response = client.generic(method, call.path, headers=call.headers)
    assert response.status_code == 405
    assert response["Allow"] == ", ".join(allowed)
    assert not AuditEntry.objects.filter(id__gt=before).exists()


def test_entries_name_who_and_from_which_request(world: World, client: Client) -> None:
    signed_in(client, world, "worker")
    before = _last_id()
    response = client.get(f"/cases/{world.case.case_id}/")
    entry = AuditEntry.objects.get(id__gt=before)
    assert (entry.actor_staff_id, entry.object_id, entry.subject_id) == (
        world.staff["worker"].staff_id,
        world.case.case_id,
        world.case.subject.subject_id,
    )
    assert entry.request_id == response["X-Request-Id"]


def test_a_role_refusal_names_the_page_and_the_reason(world: World, client: Client) -> None:
    signed_in(client, world, "worker")
    before = _last_id()
    client.get("/audit/refusals/")
    entry = AuditEntry.objects.get(id__gt=before)
    assert (entry.object_type, entry.object_id, entry.reasons) == (
        "page",
        "audit:refusals-report",
        ["Your role does not allow this."],
    )


def test_an_ended_session_writes_one_entry_and_reaches_no_page(
    world: World, client: Client
) -> None:
    """The session policy ends an idle session before any view runs: one entry, no case.list."""
    signed_in(client, world, "worker")
    client.get("/")
    session = client.session
    session["safekeep.last_seen"] = 0
    session.save()
    before = _last_id()
    response = client.get("/cases/")
    assert response.status_code == 302
    written = AuditEntry.objects.filter(id__gt=before)
    assert [(e.action, e.decision, e.reasons) for e in written] == [
        ("auth.session_end", DONE, ["idle timeout"])
    ]
