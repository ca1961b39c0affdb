"""Slowing down guessing by source address and by account, without locking anyone out."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from safekeep.accounts import throttle
from safekeep.accounts.models import SignInThrottle
from safekeep.audit.models import AuditEntry
from tests.accounts.helpers import (
    CODE,
    SIGN_IN,
    is_signed_in,
    post_password,
    real_sign_in,
    slow_account,
)
from tests.factories import make_staff, make_user

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.9"
OFFICE = "198.51.100.7"
NEW_PLACE = "192.0.2.44"


@pytest.fixture(autouse=True)
def _no_otp_throttle(settings) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def _from(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def _refusals() -> list[tuple[str, str]]:
    return [
        (e.source_address, e.reasons[0])
        for e in AuditEntry.objects.filter(action="auth.sign_in", decision="refused")
    ]


def _throttles() -> list[tuple[str, str, str]]:
    return [
        (e.object_type, e.object_id, e.reasons[0])
        for e in AuditEntry.objects.filter(action="auth.throttle").order_by("id")
    ]


def _wait_over(scope: str, key: str) -> None:
    SignInThrottle.objects.filter(scope=scope, key=key).update(
        wait_until=timezone.now() - dt.timedelta(seconds=1)
    )


def test_waits_double_from_the_sixth_attempt_and_an_address_is_blocked_at_twenty() -> None:
    waits = [throttle.wait_after("address", n).total_seconds() for n in range(4, 11)]
    assert waits == [0, 0, 1, 2, 4, 8, 16]
    assert throttle.wait_after("address", 19) == dt.timedelta(minutes=15)
    assert throttle.wait_after("address", 20) == dt.timedelta(minutes=60)
    # An account is slowed the same way but never blocked.
    assert throttle.wait_after("account", 20) == dt.timedelta(minutes=15)
    assert throttle.wait_after("account", 10_000) == dt.timedelta(minutes=15)


def test_an_ipv6_address_counts_as_its_network() -> None:
    assert throttle.place_of("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"
    assert throttle.place_of("2001:db8:1:2:bbbb::7") == "2001:db8:1:2::/64"
    assert throttle.place_of("::ffff:203.0.113.9") == ATTACKER
    assert throttle.place_of(ATTACKER) == ATTACKER


def test_an_attackers_failures_from_one_address_do_not_stop_the_owner_signing_in_from_another(
    client: Client,
) -> None:
    owner = make_user(make_staff())
    office = _from(OFFICE)
    real_sign_in(office, owner)  # the office becomes a place the account signs in from
    office.post("/account/sign-out/")
    attacker = _from(ATTACKER)
    for _ in range(30):
        post_password(attacker, owner.email, "guess")

    real_sign_in(office, owner)
    assert is_signed_in(office)
    refused = _refusals()
    assert len(refused) == 30 and {address for address, _ in refused} == {ATTACKER}
    assert [reason for _, reason in refused[:6]] == ["wrong password"] * 6
    # (the next ones wait, or are looked at if a short wait has passed: timing decides)
    assert {reason for _, reason in refused[20:]} == {
        "too many attempts from this address: it must wait before trying again"
    }
    assert _throttles() == [
        (
            "account",
            str(owner.pk),
            "6 sign-in attempts to this account that did not succeed: attempts from places it "
            "has not signed in from in 90 days wait, twice as long each time (at most 15 "
            "minutes); its owner at a known place is not held up",
        ),
        (
            "address",
            ATTACKER,
            f"6 sign-in attempts from {ATTACKER} that did not succeed: each further attempt "
            "from there waits, twice as long each time (at most 15 minutes)",
        ),
        (
            "address",
            ATTACKER,
            f"20 sign-in attempts from {ATTACKER} that did not succeed: blocked for 60 minutes",
        ),
    ]


def test_repeated_failures_from_one_address_wait_longer_each_time_then_are_blocked() -> None:
    attacker = _from(ATTACKER)
    for number in range(6):
        response = post_password(attacker, f"nobody{number}@council.example", "guess")
        assert response.status_code == 302 and response["Location"] == CODE
    assert throttle.address_wait(ATTACKER) <= 1  # the sixth makes the next one wait a second
    for _ in range(4):  # each waits, or is looked at if the short wait has passed
        post_password(attacker, "nobody@council.example", "guess")
    # After ten the wait is 16 seconds: the next attempt is not looked at, and the network is
    # told to wait, whatever the email.
    response = post_password(attacker, "nobody@council.example", "guess")
    assert response.status_code == 429
    page = response.content.decode()
    assert re.search(
        r"There have been too many attempts to sign in from your network\. "
        r"Wait \d+ seconds?, then try again\.",
        page,
    )
    assert int(response["Retry-After"]) >= 1
    assert "There is a problem" in page
    # The sign-in page says so too, before anyone tries again.
    assert (
        "too many attempts to sign in from your network" in attacker.get(SIGN_IN).content.decode()
    )
    for _ in range(9):
        post_password(attacker, "nobody@council.example", "guess")
    assert throttle.address_wait(ATTACKER) > 55 * 60  # twenty attempts: blocked for an hour
    # Another network is not held up.
    assert post_password(_from(NEW_PLACE), "nobody@council.example", "guess").status_code == 302
    assert len(_refusals()) == 21
    assert [(kind, key) for kind, key, _ in _throttles()] == [
        ("address", ATTACKER),
        ("address", ATTACKER),
    ]


def test_once_the_wait_is_over_the_next_attempt_is_looked_at() -> None:
    owner = make_user(make_staff())
    attacker = _from(ATTACKER)
    for _ in range(10):
        post_password(attacker, "nobody@council.example", "guess")
    assert post_password(attacker, owner.email).status_code == 429
    _wait_over("address", ATTACKER)
    real_sign_in(attacker, owner)
    assert is_signed_in(attacker)


def test_the_owner_at_a_place_not_yet_known_waits_while_the_account_is_slowed(
    client: Client,
) -> None:
    owner = make_user(make_staff())
    slow_account(owner)  # from ten networks, so no one network is slowed
    new_place = _from(NEW_PLACE)
    response = real_sign_in(new_place, owner)
    assert response["Location"] == SIGN_IN
    assert not is_signed_in(new_place)
    assert _refusals()[-1] == (
        NEW_PLACE,
        "too many failed attempts on this account: attempts from places it has not signed in "
        "from must wait",
    )
    _wait_over("account", str(owner.pk))
    real_sign_in(new_place, owner)
    assert is_signed_in(new_place)
    # A sign-in clears the account's count.
    assert not SignInThrottle.objects.filter(scope="account").exists()


def test_a_right_password_counts_for_its_address_until_its_code_is_right(
    client: Client,
) -> None:
    owner = make_user(make_staff())
    post_password(client, owner.email)
    assert SignInThrottle.objects.get(scope="address").attempts == 1
    assert not AuditEntry.objects.filter(action="auth.sign_in").exists()
    client.post(CODE, {"code": "000000"})  # a wrong code: counted against the account only
    assert SignInThrottle.objects.get(scope="address").attempts == 1
    assert SignInThrottle.objects.get(scope="account").attempts == 1
    real_sign_in(client, owner)
    assert SignInThrottle.objects.get(scope="address").attempts == 1


def test_one_attempt_is_forgiven_every_five_minutes() -> None:
    now = timezone.now()
    SignInThrottle.objects.create(
        scope="address", key=ATTACKER, attempts=6, counted_at=now - dt.timedelta(minutes=10)
    )
    assert throttle.address_count(ATTACKER, now=now) is None  # 6 - 2 + 1 = 5: not slowed
    assert SignInThrottle.objects.get(key=ATTACKER).attempts == 5
    assert SignInThrottle.objects.get(key=ATTACKER).wait_until is None
