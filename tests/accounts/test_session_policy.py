"""Sessions end on idle, at their absolute lifetime, on "sign out everywhere", and at once for
leavers and disabled accounts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from safekeep.accounts.services import (
    account_disable,
    account_set_password,
    sign_in_failure_record,
    sign_out_everywhere,
)
from safekeep.audit.writing import Origin
from tests.accounts.helpers import SIGN_IN, actions, is_signed_in, real_sign_in
from tests.factories import make_staff, make_user, sign_in

pytestmark = pytest.mark.django_db

ADMIN = Origin.command("test")


def _shift(client: Client, key: str, seconds: float) -> None:
    session = client.session
    session[key] -= seconds
    session.save()


def _signed_out_with(client: Client, text: str) -> None:
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN}?next=%2Faccount%2F"
    assert text in client.get(SIGN_IN).content.decode()
    assert not is_signed_in(client)


def test_activity_keeps_the_session_alive(client: Client) -> None:
    user = make_user(make_staff())
    real_sign_in(client, user)
    _shift(client, "safekeep.last_seen", 14 * 60)
    assert client.get("/account/").status_code == 200
    _shift(client, "safekeep.last_seen", 14 * 60)  # measured from the last request, not sign-in
    assert client.get("/account/").status_code == 200


def test_idle_timeout_signs_out_with_a_message(client: Client) -> None:
    user = make_user(make_staff())
    real_sign_in(client, user)
    _shift(client, "safekeep.last_seen", 15 * 60 + 1)
    _signed_out_with(
        client,
        "You were signed out because you had not done anything for 15 minutes. "
        "Sign in again to continue.",
    )
    assert actions("auth.session_end") == [("done", ["idle timeout"])]


def test_idle_timeout_follows_settings(client: Client, settings) -> None:
    settings.SAFEKEEP_IDLE_TIMEOUT_SECONDS = 60
    user = make_user(make_staff())
    real_sign_in(client, user)
    _shift(client, "safekeep.last_seen", 61)
    assert client.get("/account/").status_code == 302


def test_absolute_lifetime_ends_even_an_active_session(client: Client) -> None:
    user = make_user(make_staff())
    real_sign_in(client, user)
    _shift(client, "safekeep.signed_in_at", 10 * 3600 + 1)
    _signed_out_with(
        client,
        "You were signed out because you had been signed in for 10 hours. "
        "Sign in again to continue.",
    )
    assert actions("auth.session_end") == [("done", ["session lifetime reached"])]


def test_sign_out_everywhere_ends_other_sessions(client: Client) -> None:
    user = make_user(make_staff())
    phone, laptop = Client(), Client()
    sign_in(phone, user)
    sign_in(laptop, user)
    assert is_signed_in(phone) and is_signed_in(laptop)
    response = laptop.post("/account/sign-out-everywhere/")
    assert response["Location"] == SIGN_IN
    assert not is_signed_in(laptop)
    _signed_out_with(phone, "You were signed out. Sign in again to continue.")
    assert [d for d, _ in actions("auth.sign_out_everywhere")] == ["done"]
    assert ("done", ["signed out everywhere"]) in actions("auth.session_end")
    # A fresh sign-in works again.
    real_sign_in(phone, user)
    assert is_signed_in(phone)


def test_sign_out_everywhere_needs_post_and_csrf(client: Client) -> None:
    user = make_user(make_staff())
    sign_in(client, user)
    assert client.get("/account/sign-out-everywhere/").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    sign_in(strict, user)
    assert strict.post("/account/sign-out-everywhere/").status_code == 403
    assert is_signed_in(strict)


def test_a_leaver_is_signed_out_at_once(client: Client) -> None:
    staff = make_staff()
    user = make_user(staff)
    sign_in(client, user)
    assert is_signed_in(client)
    staff.end_date = dt.date(2021, 1, 1)
    staff.save()
    _signed_out_with(client, "You were signed out. Sign in again to continue.")
    assert actions("auth.session_end") == [("done", ["staff member has left"])]


def test_the_last_working_day_still_counts(client: Client) -> None:
    import django.utils.timezone as tz

    staff = make_staff(end_date=tz.localdate())
    user = make_user(staff)
    sign_in(client, user)
    assert is_signed_in(client)


def test_a_disabled_account_is_signed_out_at_once(client: Client) -> None:
    user = make_user(make_staff())
    real_sign_in(client, user)
    account_disable(user=user, origin=ADMIN, reason="suspended")
    _signed_out_with(client, "You were signed out. Sign in again to continue.")
    assert [d for d, _ in actions("account.disable")] == ["done"]


def test_a_locked_account_is_signed_out_at_once(client: Client) -> None:
    """Someone guessing the password elsewhere locks the account: its sessions end too, by
    the same rule as sign-in (accounts.standing)."""
    user = make_user(make_staff())
    real_sign_in(client, user)
    for _ in range(5):
        sign_in_failure_record(user=user, origin=ADMIN, reason="wrong password")
    _signed_out_with(client, "You were signed out. Sign in again to continue.")
    assert actions("auth.session_end") == [
        ("done", ["account locked after repeated failed attempts"])
    ]


def test_a_password_reset_ends_existing_sessions(client: Client) -> None:
    user = make_user(make_staff())
    real_sign_in(client, user)
    account_set_password(user=user, password="a brand new long passphrase", origin=ADMIN)
    assert not is_signed_in(client)


def test_sign_out_everywhere_service_bumps_the_generation() -> None:
    user = make_user(make_staff())
    before = user.session_generation
    sign_out_everywhere(user=user, origin=ADMIN)
    assert user.session_generation == before + 1


def test_api_requests_are_not_redirected_when_a_session_ends(client: Client) -> None:
    user = make_user(make_staff())
    real_sign_in(client, user)
    _shift(client, "safekeep.last_seen", 16 * 60)
    response = client.get("/api/v1/this-path-does-not-exist")
    assert response.status_code != 302
    assert not is_signed_in(client)
