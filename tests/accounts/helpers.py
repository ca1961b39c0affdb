"""Signing in through the real pages with Django's test client."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.test import Client

from safekeep.accounts.models import AuthenticatorApp, SignInThrottle, User
from safekeep.audit.models import AuditEntry
from tests.browser.helpers import device_code
from tests.factories import PASSWORD

if TYPE_CHECKING:  # the test client's response, as django-stubs names it (not at run time)
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

SIGN_IN = "/account/sign-in/"
CODE = "/account/sign-in/code/"
ENROL = "/account/sign-in/set-up-app/"
FAILURE = (
    "The email address, password or code is not right. After 5 attempts that are not right, "
    "you will need to wait before you try again, a little longer each time."
)


def post_password(client: Client, email: str, password: str = PASSWORD) -> Response:
    return client.post(SIGN_IN, {"email": email, "password": password})


def real_sign_in(client: Client, user: User, *, password: str = PASSWORD) -> Response:
    """Password, then the current code of the person's confirmed app; returns the last response."""
    post_password(client, user.email, password)
    device = AuthenticatorApp.objects.get(user=user, confirmed=True)
    return client.post(CODE, {"code": device_code(device)})


def slow_account(user: User, *, failures: int = 10) -> None:
    """Wrong passwords for `user` from as many networks, each let through its account's wait
    first so every one is looked at and counted: after ten, strangers wait 16 seconds."""
    for number in range(failures):
        SignInThrottle.objects.filter(scope="account", key=str(user.pk)).update(wait_until=None)
        post_password(Client(REMOTE_ADDR=f"203.0.113.{number + 10}"), user.email, "guess")


def actions(action: str) -> list[tuple[str, list[str]]]:
    return [
        (entry.decision, list(entry.reasons))
        for entry in AuditEntry.objects.filter(action=action).order_by("id")
    ]


def is_signed_in(client: Client) -> bool:
    response = client.get("/")
    return response.status_code == 200
