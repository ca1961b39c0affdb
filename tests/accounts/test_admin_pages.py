"""The system administrator's sign-in pages: only that role, never one's own sign-in, each
action ends what it says it ends, and no case content on any of them."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from safekeep.accounts import lifecycle
from safekeep.accounts.models import AuthenticatorApp, SetUpLink, SignInThrottle, User
from safekeep.audit.models import AuditEntry
from safekeep.organisation.models import StaffChange, StaffMember
from tests.accounts.helpers import CODE, ENROL, actions, is_signed_in, post_password, slow_account
from tests.browser.helpers import device_code
from tests.factories import (
    PASSWORD,
    api_headers,
    make_case,
    make_staff,
    make_user,
    sign_in,
    staff_form,
)

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long replacement passphrase"


def _admin() -> tuple[User, Client]:
    admin = make_user(make_staff(roles=("sysadmin",), given_name="Ada", family_name="Admin"))
    return admin, sign_in(Client(), admin)


def _staff(user: User) -> StaffMember:
    assert user.staff is not None
    return user.staff


def _worker() -> User:
    return make_user(make_staff(given_name="Wyn", family_name="Worker"))


def _api_works(headers: dict[str, str]) -> bool:
    return Client().get("/api/v1/cases", headers=headers).status_code == 200


def _link_path(response: object) -> str:
    page = response.content.decode()  # type: ignore[attr-defined]
    match = re.search(r'id="set-up-link">http://testserver(/account/set-up/[^/<]+/)<', page)
    assert match, page
    return match.group(1)


ROUTES = [
    ("GET", "/account/people/"),
    ("GET", "/account/people/{id}/"),
    ("POST", "/account/people/{id}/invite/"),
    ("POST", "/account/people/{id}/reset-password/"),
    ("POST", "/account/people/{id}/reset-authenticator/"),
    ("POST", "/account/people/{id}/unlock/"),
]


@pytest.mark.parametrize("role", ["practitioner", "it_support", "ig_officer", "team_manager"])
@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_only_a_system_administrator_may_use_the_pages(role: str, method: str, path: str) -> None:
    someone = make_user(make_staff(roles=(role,)))
    target = make_staff()
    client = sign_in(Client(), someone)
    url = path.format(id=target.staff_id)
    response = client.get(url) if method == "GET" else client.post(url)
    assert response.status_code == 403
    assert "Your role does not allow this." in response.content.decode()
    assert not User.objects.filter(staff=target).exists()
    assert actions("page.open") == [("refused", ["Your role does not allow this."])]


@pytest.mark.parametrize("action", ["reset-password", "reset-authenticator", "unlock"])
def test_an_administrator_cannot_change_their_own_sign_in(action: str) -> None:
    admin, client = _admin()
    slow_account(admin)
    page = client.get(f"/account/people/{_staff(admin).staff_id}/").content.decode()
    assert "This is your own sign-in. You cannot change it here" in page
    assert "<button" not in page.split("This is your own sign-in")[1].split("</main>")[0]
    response = client.post(f"/account/people/{_staff(admin).staff_id}/{action}/")
    assert response.status_code == 403
    assert "You cannot change your own sign-in. Ask another system administrator." in (
        response.content.decode()
    )
    admin.refresh_from_db()
    assert admin.check_password(PASSWORD)
    assert AuthenticatorApp.objects.filter(user=admin).exists()
    assert SignInThrottle.objects.filter(scope="account", key=str(admin.pk)).exists()
    assert is_signed_in(client)
    entry = AuditEntry.objects.exclude(action="auth.sign_in").exclude(action="auth.throttle").get()
    assert entry.decision == "refused" and entry.actor_staff_id == _staff(admin).staff_id


def test_create_a_sign_in_shows_the_link_once_and_it_ends_in_app_set_up() -> None:
    _, client = _admin()
    newcomer = make_staff(given_name="Nia", family_name="New")
    listing = client.get("/account/people/", {"q": "Nia"}).content.decode()
    assert "Nia New" in listing and "No sign-in" in listing
    response = client.post(f"/account/people/{newcomer.staff_id}/invite/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    path = _link_path(response)
    assert (
        path.split("/")[-2]
        not in client.get(f"/account/people/{newcomer.staff_id}/").content.decode()
    )
    assert [d for d, _ in actions("account.invite")] == ["done"]
    again = client.post(f"/account/people/{newcomer.staff_id}/invite/")
    assert again.status_code == 403 and "already has a sign-in" in again.content.decode()

    person = Client()
    person.get(path)
    chosen = person.post(
        "/account/set-up/", {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert chosen["Location"] == ENROL


def test_reset_password_ends_every_session_and_api_token_and_the_old_password() -> None:
    _, client = _admin()
    worker = _worker()
    their_session = sign_in(Client(), worker)
    headers = api_headers(worker)
    assert is_signed_in(their_session) and _api_works(headers)

    response = client.post(f"/account/people/{_staff(worker).staff_id}/reset-password/")
    assert response.status_code == 200
    path = _link_path(response)
    assert not is_signed_in(their_session)
    assert not _api_works(headers)
    worker.refresh_from_db()
    assert not worker.check_password(PASSWORD)
    assert AuthenticatorApp.objects.filter(user=worker, confirmed=True).exists()  # kept
    assert [d for d, _ in actions("account.password_reset")] == ["done"]

    # The link: a new password, then a code from the app they still have.
    person = Client()
    person.get(path)
    chosen = person.post(
        "/account/set-up/", {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert chosen["Location"] == CODE
    device = AuthenticatorApp.objects.get(user=worker, confirmed=True)
    person.post(CODE, {"code": device_code(device)})
    assert is_signed_in(person)


def test_a_new_link_ends_the_earlier_one() -> None:
    _, client = _admin()
    worker = _worker()
    first = _link_path(client.post(f"/account/people/{_staff(worker).staff_id}/reset-password/"))
    second = _link_path(client.post(f"/account/people/{_staff(worker).staff_id}/reset-password/"))
    assert Client().get(first).status_code == 403
    assert Client().get(second).status_code == 302


def test_reset_authenticator_removes_the_app_and_ends_sessions_and_tokens() -> None:
    _, client = _admin()
    worker = _worker()
    their_session = sign_in(Client(), worker)
    headers = api_headers(worker)
    response = client.post(f"/account/people/{_staff(worker).staff_id}/reset-authenticator/")
    assert response.status_code == 302
    assert not AuthenticatorApp.objects.filter(user=worker).exists()
    assert not is_signed_in(their_session)
    assert not _api_works(headers)
    assert actions("account.two_factor_reset") == [
        ("done", ["1 authenticator app removed", "every session and API token ended"])
    ]
    # Next sign-in: the password still works and must be followed by setting up an app.
    assert post_password(Client(), worker.email)["Location"] == ENROL


def test_unlock_forgets_the_failed_attempts() -> None:
    _, client = _admin()
    worker = _worker()
    slow_account(worker)
    page = client.get(f"/account/people/{_staff(worker).staff_id}/").content.decode()
    assert "10 not yet forgiven" in page and "Unlock sign-in" in page
    response = client.post(f"/account/people/{_staff(worker).staff_id}/unlock/")
    assert response.status_code == 302
    assert not SignInThrottle.objects.filter(scope="account", key=str(worker.pk)).exists()
    assert actions("account.unlock") == [("done", ["10 failed attempts forgotten"])]
    assert (
        "Unlock sign-in"
        not in client.get(f"/account/people/{_staff(worker).staff_id}/").content.decode()
    )


def test_one_administrator_cannot_do_both_resets() -> None:
    """With both a new password and a new app, one person could sign in as another."""
    _, ada = _admin()
    _, bea = _admin()
    worker = _worker()
    staff_id = _staff(worker).staff_id
    assert ada.post(f"/account/people/{staff_id}/reset-authenticator/").status_code == 302
    refused = ada.post(f"/account/people/{staff_id}/reset-password/")
    assert refused.status_code == 403
    assert "another system administrator must reset their password" in refused.content.decode()
    assert bea.post(f"/account/people/{staff_id}/reset-password/").status_code == 200

    other = _worker()
    assert ada.post(f"/account/people/{_staff(other).staff_id}/reset-password/").status_code == 200
    refused = ada.post(f"/account/people/{_staff(other).staff_id}/reset-authenticator/")
    assert refused.status_code == 403
    assert "another system administrator must remove their authenticator app" in (
        refused.content.decode()
    )
    assert AuthenticatorApp.objects.filter(user=other).exists()


def test_setting_up_a_new_app_lifts_the_two_reset_rule() -> None:
    _, ada = _admin()
    worker = _worker()
    staff_id = _staff(worker).staff_id
    ada.post(f"/account/people/{staff_id}/reset-authenticator/")
    person = Client()
    post_password(person, worker.email)
    person.get(ENROL)
    device = AuthenticatorApp.objects.get(user=worker, confirmed=False)
    person.post(ENROL, {"code": device_code(device)})
    worker.refresh_from_db()
    assert worker.two_factor_reset_by == ""
    assert ada.post(f"/account/people/{staff_id}/reset-password/").status_code == 200


def test_a_leavers_sign_in_cannot_be_reset() -> None:
    import datetime as dt

    _, client = _admin()
    leaver = make_user(make_staff(end_date=dt.date(2021, 1, 1)))
    page = client.get(f"/account/people/{_staff(leaver).staff_id}/").content.decode()
    assert "has left. Their sign-in cannot be created or changed." in page
    response = client.post(f"/account/people/{_staff(leaver).staff_id}/reset-password/")
    assert response.status_code == 403
    assert "This sign-in cannot be changed: staff member has left." in response.content.decode()
    assert not SetUpLink.objects.exists()
    assert [d for d, _ in actions("account.password_reset")] == ["refused"]


def test_the_pages_show_no_case_content() -> None:
    _, client = _admin()
    worker = _worker()
    case = make_case(team=_staff(worker).team, allocated=(_staff(worker),))
    pages = [
        client.get("/account/people/").content.decode(),
        client.get(f"/account/people/{_staff(worker).staff_id}/").content.decode(),
        client.post(f"/account/people/{_staff(worker).staff_id}/reset-password/").content.decode(),
    ]
    for page in pages:
        assert case.case_id not in page
        assert case.subject.subject_id not in page
    assert not AuditEntry.objects.filter(action__startswith="case.").exists()


def test_who_asked_for_someones_access_cannot_also_hand_over_their_set_up_link() -> None:
    """Add a person, have their access approved, sign in as them: not with one person."""
    ada_user, ada = _admin()
    _, bea = _admin()
    team = _staff(ada_user).team
    added = ada.post("/staff/add/", staff_form(team, staff_id="S900"))
    assert added.status_code == 302
    change = StaffChange.objects.get(staff__staff_id="S900")
    assert change.requested_by == _staff(ada_user)  # practitioner access waits for approval
    refused = ada.post("/account/people/S900/invite/")
    assert refused.status_code == 403
    assert "You asked for this person&#x27;s access" in refused.content.decode()
    assert not User.objects.filter(staff__staff_id="S900").exists()
    assert actions("account.invite") == [("refused", [lifecycle.ASKED_FOR_ACCESS])]
    assert bea.post("/account/people/S900/invite/").status_code == 200
    # ...nor, later, reset the password that would hand it over again.
    refused = ada.post("/account/people/S900/reset-password/")
    assert refused.status_code == 403
    assert bea.post("/account/people/S900/reset-password/").status_code == 200
