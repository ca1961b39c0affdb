"""`safekeep account invite --staff-id ID` and the set-up link it prints: valid, each
refusal, 72 hours by the clock, once only, stored hashed."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from safekeep.accounts import lifecycle
from safekeep.accounts.models import AuthenticatorApp, SetUpLink, User
from tests.accounts.helpers import ENROL, actions
from tests.browser.helpers import device_code
from tests.factories import make_staff, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long new starter passphrase"


def _invite(staff_id: str) -> tuple[str, str]:
    """Runs the command; returns what it printed and the link (its last line)."""
    out = io.StringIO()
    call_command("account", "invite", f"--staff-id={staff_id}", stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    return text, text.strip().splitlines()[-1]


def _path(link: str) -> str:
    match = re.fullmatch(r"http://127\.0\.0\.1:8000(/account/set-up/[A-Za-z0-9_-]{43}/)", link)
    assert match, link
    return match.group(1)


def _choose_password(client: Client, link: str, password: str = NEW_PASSWORD) -> Any:
    opened = client.get(_path(link))
    assert opened.status_code == 302 and opened["Location"] == "/account/set-up/"
    return client.post("/account/set-up/", {"password": password, "password_again": password})


def test_invite_creates_a_sign_in_and_a_link_that_ends_in_app_set_up() -> None:
    staff = make_staff(staff_id="N0001", given_name="Nia", family_name="Jones")
    text, link = _invite("N0001")
    user = User.objects.get(staff=staff)
    assert not user.has_usable_password()
    assert f"Created the sign-in of Nia Jones (N0001), {staff.email}." in text
    stored = SetUpLink.objects.get(user=user)
    token = _path(link).split("/")[-2]
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(SetUpLink.objects.values()))  # only the hash is kept
    assert stored.expires_at - stored.issued_at == dt.timedelta(hours=72)
    until = timezone.localtime(stored.expires_at)
    assert actions("account.invite") == [
        ("done", [f"set-up link valid until {until:%Y-%m-%d %H:%M} (72 hours)"])
    ]

    client = Client()
    chosen = _choose_password(client, link)
    assert chosen.status_code == 302 and chosen["Location"] == ENROL
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    client.get(ENROL)
    device = AuthenticatorApp.objects.get(user=user, confirmed=False)
    done = client.post(ENROL, {"code": device_code(device)})
    assert done.status_code == 302 and done["Location"] == "/"
    assert client.get("/").status_code == 200  # signed in, verified
    assert actions("account.set_up") == [("done", ["password chosen with a new sign-in link"])]
    assert actions("auth.sign_in") == [("done", ["authenticator app set up"])]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "No staff member has staff ID N0001. Import staff first."),
        ("has_sign_in", "Test Person{n} (N0001) already has a sign-in."),
        ("leaver", "Test Person{n} (N0001) has left (their last working day was {end})."),
    ],
)
def test_invite_refusals(setup: str, message: str) -> None:
    staff = None
    end = timezone.localdate() - dt.timedelta(days=1)
    if setup != "missing":
        staff = make_staff(staff_id="N0001", end_date=end if setup == "leaver" else None)
        if setup == "has_sign_in":
            make_user(staff)
    before = User.objects.count()
    with pytest.raises(CommandError) as error:
        _invite("N0001")
    number = staff.family_name.removeprefix("Person") if staff is not None else ""
    assert str(error.value) == message.format(n=number, end=end)
    assert User.objects.count() == before
    assert not SetUpLink.objects.exists()
    assert [decision for decision, _ in actions("account.invite")] == ["refused"]


def test_a_leaver_on_their_last_day_may_still_be_invited() -> None:
    make_staff(staff_id="N0001", end_date=timezone.localdate())
    _invite("N0001")
    assert SetUpLink.objects.count() == 1


def _refused(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 403
    assert "This link cannot be used" in response.content.decode()
    assert "Ask your system administrator for a new link." in response.content.decode()


def test_the_link_works_for_72_hours_by_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    make_staff(staff_id="N0001")
    _, link = _invite("N0001")
    issued = SetUpLink.objects.get().issued_at
    real_now = timezone.now

    monkeypatch.setattr(timezone, "now", lambda: issued + dt.timedelta(hours=71, minutes=59))
    assert Client().get(_path(link)).status_code == 302  # still works (not used by opening)

    monkeypatch.setattr(timezone, "now", lambda: issued + dt.timedelta(hours=72))
    _refused(Client(), _path(link))
    assert actions("account.set_up") == [("refused", [lifecycle.LINK_EXPIRED])]
    monkeypatch.setattr(timezone, "now", real_now)


def test_the_link_expiring_between_opening_and_choosing_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    staff = make_staff(staff_id="N0001")
    _, link = _invite("N0001")
    issued = SetUpLink.objects.get().issued_at
    client = Client()
    monkeypatch.setattr(timezone, "now", lambda: issued + dt.timedelta(hours=71, minutes=59))
    client.get(_path(link))
    monkeypatch.setattr(timezone, "now", lambda: issued + dt.timedelta(hours=72, minutes=1))
    response = client.post(
        "/account/set-up/", {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert response.status_code == 403
    assert not User.objects.get(staff=staff).has_usable_password()
    assert actions("account.set_up") == [("refused", [lifecycle.LINK_EXPIRED])]


def test_the_link_works_once() -> None:
    make_staff(staff_id="N0001")
    _, link = _invite("N0001")
    _choose_password(Client(), link)
    _refused(Client(), _path(link))
    assert [d for d, _ in actions("account.set_up")] == ["done", "refused"]
    assert actions("account.set_up")[1][1] == [lifecycle.LINK_USED]


def test_a_wrong_link_is_refused_and_audited() -> None:
    _refused(Client(), "/account/set-up/" + "x" * 43 + "/")
    assert actions("account.set_up") == [("refused", [lifecycle.LINK_UNKNOWN])]


def test_a_password_that_breaks_the_rules_is_refused_and_the_link_still_works() -> None:
    staff = make_staff(staff_id="N0001")
    _, link = _invite("N0001")
    client = Client()
    client.get(_path(link))
    short = client.post("/account/set-up/", {"password": "short", "password_again": "short"})
    assert short.status_code == 400
    assert "This password is too short. It must contain at least 12 characters." in (
        short.content.decode()
    )
    different = client.post(
        "/account/set-up/", {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD + "!"}
    )
    assert "The two passwords are not the same" in different.content.decode()
    ok = client.post("/account/set-up/", {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert ok.status_code == 302
    assert User.objects.get(staff=staff).check_password(NEW_PASSWORD)


def test_someone_who_leaves_before_using_the_link_cannot_use_it() -> None:
    staff = make_staff(staff_id="N0001")
    _, link = _invite("N0001")
    staff.end_date = timezone.localdate() - dt.timedelta(days=1)
    staff.save(update_fields=["end_date"])
    _refused(Client(), _path(link))
    assert actions("account.set_up") == [("refused", ["staff member has left"])]


def test_a_signed_in_browser_does_not_use_the_link() -> None:
    from tests.factories import sign_in

    make_staff(staff_id="N0001")
    _, link = _invite("N0001")
    admin = make_user(make_staff(roles=("sysadmin",)))
    response = sign_in(Client(), admin).get(_path(link))
    assert response.status_code == 403
    assert "You are signed in." in response.content.decode()
    assert SetUpLink.objects.get().used_at is None
    assert [d for d, _ in actions("account.set_up")] == ["refused"]


def test_the_link_starts_with_the_address_people_open_safekeep_at(settings: Any) -> None:
    settings.CSRF_TRUSTED_ORIGINS = ["https://safekeep.council.example"]
    make_staff(staff_id="N0001")
    _, link = _invite("N0001")
    assert re.fullmatch(r"https://safekeep\.council\.example/account/set-up/[\w-]{43}/", link)
