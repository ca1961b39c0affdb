"""Administrators' account services: passwords, disable/enable, two-factor reset."""

from __future__ import annotations

import pytest
from django.test import Client

from safekeep.accounts.models import AuthenticatorApp, SignInThrottle
from safekeep.accounts.services import (
    AccountError,
    account_disable,
    account_enable,
    account_set_password,
    account_two_factor_reset,
)
from safekeep.audit.writing import Origin
from tests.accounts.helpers import ENROL, actions, is_signed_in, post_password, real_sign_in
from tests.factories import make_staff, make_user

pytestmark = pytest.mark.django_db

ADMIN = Origin.command("test")


def test_set_password_checks_the_rules_and_clears_failures_against_the_account(
    client: Client,
) -> None:
    user = make_user(make_staff())
    with pytest.raises(AccountError) as error:
        account_set_password(user=user, password="short", origin=ADMIN)
    assert str(error.value) == (
        "This password is too short. It must contain at least 12 characters."
    )
    for _ in range(3):
        post_password(Client(REMOTE_ADDR="203.0.113.9"), user.email, "not the password")
    account = SignInThrottle.objects.get(scope="account", key=str(user.pk))
    assert account.attempts == 3
    account_set_password(user=user, password="a brand new long passphrase", origin=ADMIN)
    assert not SignInThrottle.objects.filter(scope="account", key=str(user.pk)).exists()
    real_sign_in(client, user, password="a brand new long passphrase")
    assert is_signed_in(client)
    entries = actions("account.password_set")
    assert entries == [("done", [])]
    assert "passphrase" not in str(entries)


def test_disable_then_enable(client: Client) -> None:
    user = make_user(make_staff())
    account_disable(user=user, origin=ADMIN)
    real_sign_in(client, user)
    assert not is_signed_in(client)
    account_enable(user=user, origin=ADMIN)
    real_sign_in(client, user)
    assert is_signed_in(client)
    assert [a for a, _ in actions("account.enable")] == ["done"]


def test_two_factor_reset_makes_the_person_enrol_again(client: Client) -> None:
    user = make_user(make_staff())
    account_two_factor_reset(user=user, origin=ADMIN)
    assert not AuthenticatorApp.objects.filter(user=user).exists()
    assert post_password(client, user.email)["Location"] == ENROL
