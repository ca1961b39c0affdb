"""Test data builders, one place for every test. Plain functions with keyword arguments."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
import secrets
from typing import Any, TypedDict

from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from safekeep.access import door
from safekeep.access.context import command_context
from safekeep.access.door import CaseAccess, DutyAccess, EntryAccess
from safekeep.access.policy import Context
from safekeep.access.vocabulary import Action, Duty
from safekeep.accounts.models import AuthenticatorApp, User
from safekeep.api.models import ApiToken
from safekeep.api.services import TOKEN_PREFIX
from safekeep.audit.writing import Origin
from safekeep.devices.conf import DEVICE_COOKIE
from safekeep.devices.context import hash_secret
from safekeep.devices.models import Device, DeviceCredential
from safekeep.devices.vocabulary import DeviceFacts
from safekeep.organisation.models import (
    Directorate,
    RiskAssessment,
    StaffMember,
    StaffRole,
    Team,
)
from safekeep.records.models import AccessGrant, Allocation, BreakGlass, Case, Entry, Referral
from safekeep.records.services import subject_create

_ids = itertools.count(1)
TODAY = dt.date(2026, 11, 23)
PASSWORD = "correct horse battery staple"


def make_team(name: str = "", directorate: str = "Family Services") -> Team:
    directorate_obj, _ = Directorate.objects.get_or_create(name=directorate)
    team, _ = Team.objects.get_or_create(
        name=name or f"Team {next(_ids)}", defaults={"directorate": directorate_obj}
    )
    return team


def make_staff(
    *,
    team: Team | None = None,
    roles: tuple[str, ...] = ("practitioner",),
    employment_type: str = "employee",
    start_date: dt.date = dt.date(2020, 1, 1),
    end_date: dt.date | None = None,
    **fields: Any,
) -> StaffMember:
    team = team or make_team()
    number = next(_ids)
    staff = StaffMember.objects.create(
        staff_id=fields.pop("staff_id", f"S{number:05d}"),
        given_name=fields.pop("given_name", "Test"),
        family_name=fields.pop("family_name", f"Person{number}"),
        email=fields.pop("email", f"person{number}@council.example"),
        directorate=team.directorate,
        team=team,
        employment_type=employment_type,
        works_with_vulnerable_people=fields.pop("works_with_vulnerable_people", True),
        work_pattern=fields.pop("work_pattern", "flexible"),
        start_date=start_date,
        end_date=end_date,
        **fields,
    )
    for role in roles:
        StaffRole.objects.create(staff=staff, role=role)
    return staff


def staff_form(team: Team, **overrides: object) -> dict[str, object]:
    """What the staff add and change pages post: a remote practitioner in `team`."""
    data: dict[str, object] = {
        "staff_id": "S900",
        "given_name": "Ann",
        "family_name": "Example",
        "email": "ann.example@council.example",
        "team": str(team.pk),
        "roles": ["practitioner"],
        "employment_type": "employee",
        "works_with_vulnerable_people": "yes",
        "work_pattern": "remote",
        "start_date": "2024-01-08",
        "end_date": "",
    }
    data.update(overrides)
    return data


def make_risk_assessment(
    staff: StaffMember,
    *,
    team: Team,
    outcome: str = "approved",
    max_classification: str = "OFFICIAL",
    assessed_on: dt.date = dt.date(2026, 1, 1),
    review_due: dt.date = dt.date(2027, 1, 1),
) -> RiskAssessment:
    """A volunteer's risk assessment for work with `team`: by default approved, up to OFFICIAL."""
    return RiskAssessment.objects.create(
        staff=staff,
        outcome=outcome,
        scope_team=team,
        max_classification=max_classification,
        assessed_on=assessed_on,
        review_due=review_due,
    )


def make_user(staff: StaffMember, *, password: str = PASSWORD, with_totp: bool = True) -> User:
    user = User.objects.create_user(username=staff.email, email=staff.email, password=password)
    user.staff = staff
    user.save()
    if with_totp:
        AuthenticatorApp.objects.create(user=user, name="Authenticator app", confirmed=True)
    return user


def make_api_token(user: User) -> str:
    """An API token of `user`, stored as `api_token_create` stores it but without its checks:
    a token made while a person now gone was still in post."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    ApiToken.objects.create(
        user=user,
        name="made earlier",
        token_hash=hashlib.sha256(plain.encode()).hexdigest(),
        prefix=plain[:12],
        created_at=now,
        expires_at=now + dt.timedelta(days=90),
        account_generation=user.session_generation,
    )
    return plain


def make_device(
    *,
    asset_tag: str = "",
    device_type: str = "laptop",
    ownership: str = "council",
    staff: StaffMember | None = None,
    encrypted: str = "yes",
    passcode: str = "yes",
    os_name: str = "Windows",
    os_version: str = "11",
    status: str = "active",
    on_site: bool = True,
) -> Device:
    """A registered device; by default a compliant, encrypted council laptop on site."""
    return Device.objects.create(
        asset_tag=asset_tag or f"DEV-{next(_ids):05d}",
        device_type=device_type,
        ownership=ownership,
        assigned_staff=staff,
        encrypted=encrypted,
        passcode=passcode,
        os_name=os_name,
        os_version=os_version,
        status=status,
        on_site=on_site,
    )


def device_token(device: Device, staff: StaffMember | None = None) -> str:
    """A fresh device credential for `device`, as enrolment issues it: for `staff`, by
    default the person the device is assigned to (a credential works only for its person)."""
    holder = staff or device.assigned_staff
    assert holder is not None, "a device credential is always issued to a person"
    token = secrets.token_urlsafe(32)
    DeviceCredential.objects.create(device=device, staff=holder, token_hash=hash_secret(token))
    return token


def api_headers(user: User) -> dict[str, str]:
    """Headers of one of the council's systems calling the API as `user`: a fresh token and
    the credential of an enrolled, compliant council laptop assigned to them."""
    from safekeep.api.services import api_token_create

    _, token = api_token_create(user=user, name="system", origin=TEST_ORIGIN)
    return {
        "Authorization": f"Bearer {token}",
        "X-Safekeep-Device": device_token(make_device(staff=user.staff)),
    }


def use_device(client: Client, device: Device, staff: StaffMember | None = None) -> Client:
    """Make the client's requests carry a credential for `device`, issued to `staff` (by
    default the device's assigned person)."""
    client.cookies[DEVICE_COOKIE] = device_token(device, staff)
    return client


COUNCIL_LAPTOP = "council laptop"
# The facts of an enrolled, compliant council laptop, for services called without a request.
LAPTOP_FACTS = DeviceFacts(
    enrolled=True,
    ownership="council",
    device_type="laptop",
    status="active",
    encrypted="yes",
    passcode="yes",
    on_site=True,
    os_supported=True,
    label="council laptop LAP-0042",
    asset_tag="LAP-0042",
)


def laptop_context(now: dt.datetime | None = None) -> Context:
    """A decision context for work done on an enrolled, compliant council laptop."""
    return command_context(now, device=LAPTOP_FACTS)


def sign_in(client: Client, user: User, *, device: Device | str | None = COUNCIL_LAPTOP) -> Client:
    """A session that has passed both password and two-factor checks.

    By default the client also works from an enrolled, compliant council laptop assigned
    to the person (the device rules refuse case content anywhere else); pass a `Device`
    to use that one (enrolled by this person), or `device=None` for a device Safekeep does
    not know. An account with no member of staff has no one to enrol a device for.
    """
    if device == COUNCIL_LAPTOP:
        device = make_device(staff=user.staff) if user.staff is not None else None
    if isinstance(device, Device):
        use_device(client, device, user.staff)
    client.force_login(user)
    app = AuthenticatorApp.objects.filter(user=user, confirmed=True).first()
    if app is None:
        app = AuthenticatorApp.objects.create(user=user, name="Authenticator app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = app.persistent_id
    session.save()
    return client


def make_case(
    *,
    team: Team | None = None,
    classification: str = "OFFICIAL",
    restricted: bool = False,
    subject_kind: str = "child",
    subject_staff: StaffMember | None = None,
    allocated: tuple[StaffMember, ...] = (),
) -> Case:
    number = next(_ids)
    # Through the service: names and date of birth are stored sealed, with blind indexes.
    subject = subject_create(
        subject_id=f"P{number:06d}",
        kind=subject_kind,
        given_name="Subject",
        family_name=f"Number{number}",
        date_of_birth=dt.date(2015, 5, 1),
        restricted=restricted,
        staff=subject_staff,
    )
    case = Case.objects.create(
        case_id=f"C{number:06d}",
        subject=subject,
        owning_team=team or make_team(),
        classification=classification,
        opened_on=dt.date(2025, 1, 1),
    )
    for staff in allocated:
        Allocation.objects.create(
            case=case, staff=staff, role="allocated_worker", starts_on=dt.date(2025, 1, 1)
        )
    return case


def make_grant(
    case: Case,
    grantee: StaffMember,
    *,
    starts_at: dt.datetime,
    expires_at: dt.datetime,
    actions: str = "view",
    status: str = "requested",
    reason: str = "r" * 20,
    **fields: Any,
) -> AccessGrant:
    """A grant of `actions` on `case` stored as it stands, without a request through the door."""
    return AccessGrant.objects.create(
        case=case,
        grantee=grantee,
        actions=actions,
        reason=reason,
        status=status,
        starts_at=starts_at,
        expires_at=expires_at,
        **fields,
    )


# --- asking the door, as a page or the API would, for services called directly ------------

TEST_ORIGIN = Origin(actor_username="test")


class CaseQuestion(TypedDict):
    """The keyword arguments the door's questions about one case share: typed, so that
    `**question` is checked against each question's signature."""

    staff: StaffMember
    case_id: str
    context: Context
    origin: Origin


def case_access(
    staff: StaffMember,
    case: Case,
    action: Action | Duty = Action.VIEW,
    *,
    context: Context | None = None,
    origin: Origin = TEST_ORIGIN,
    change: bool = True,
) -> CaseAccess:
    """The door's answer for `staff` doing `action` on `case` (raises `AccessRefused`)."""
    question: CaseQuestion = {
        "staff": staff,
        "case_id": case.case_id,
        "context": context or laptop_context(),
        "origin": origin,
    }
    if isinstance(action, Duty):
        return door.case_duty_access(duty=action, change=change, **question)
    return door.case_access(action=action, change=change, **question)


def entry_access(
    staff: StaffMember, entry: Entry, *, context: Context | None = None, change: bool = True
) -> EntryAccess:
    return door.entry_access(
        staff=staff,
        case_id=entry.case.case_id,
        entry_id=entry.pk,
        context=context or laptop_context(),
        origin=TEST_ORIGIN,
        change=change,
    )


def break_glass_access(
    staff: StaffMember, case: Case, reason: str, *, context: Context | None = None
) -> CaseAccess:
    return door.break_glass_access(
        staff=staff,
        case_id=case.case_id,
        reason=reason,
        context=context or laptop_context(),
        origin=TEST_ORIGIN,
    )


def duty_access(
    staff: StaffMember,
    item: AccessGrant | Referral | BreakGlass,
    duty: Duty | None = None,
    *,
    context: Context | None = None,
) -> DutyAccess:
    """The door's answer for deciding a request, a referral or a break-glass review."""
    ctx = context or laptop_context()
    if isinstance(item, AccessGrant):
        return door.grant_access(staff=staff, grant=item, context=ctx, origin=TEST_ORIGIN)
    if isinstance(item, Referral):
        return door.referral_access(
            staff=staff,
            referral=item,
            duty=duty or Duty.DECIDE_REFERRAL,
            context=ctx,
            origin=TEST_ORIGIN,
        )
    return door.break_glass_review_access(staff=staff, glass=item, context=ctx, origin=TEST_ORIGIN)


def date_boxes(page: str, name: str) -> tuple[str, ...]:
    """What a GOV.UK date input on `page` holds: its day, month and year boxes' values."""
    found = []
    for part in ("day", "month", "year"):
        tag = re.search(rf'<input[^>]*\bname="{name}_{part}"[^>]*>', page)
        assert tag is not None, f"no {name}_{part} box on the page"
        value = re.search(r'\bvalue="([^"]*)"', tag[0])
        found.append(value[1] if value else "")
    return tuple(found)
