"""Every answer, page or API, tells the browser how to protect it; cookies keep out of
scripts' reach, and signing in starts a new session (ASVS 5.0 3.3.2, 3.3.4, 3.4.3 to 3.4.6,
7.2.4)."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from safekeep.accounts.models import AuthenticatorApp
from tests.browser.helpers import device_code
from tests.factories import PASSWORD, make_staff, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/", "/account/sign-in/", "/no-such-page/", "/api/v1/cases", "/api/v1/openapi.json"]
)
def test_every_answer_carries_the_browser_protections(client: Client, path: str) -> None:
    response = client.get(path)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert response["Cache-Control"] == "no-store"


def test_the_session_and_csrf_cookies_are_out_of_scripts_reach(client: Client) -> None:
    user = make_user(make_staff())
    form = client.get("/account/sign-in/")
    csrf = form.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"
    password = client.post("/account/sign-in/", {"email": user.email, "password": PASSWORD})
    assert password.status_code == 302  # on to the code step
    session = password.cookies.get("sessionid")
    assert session is not None, "the password step starts a session"
    assert session["httponly"] and session["samesite"] == "Lax"


def test_signing_in_gives_a_new_session_and_the_old_one_is_gone(client: Client, settings) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = make_user(make_staff())
    client.post("/account/sign-in/", {"email": user.email, "password": PASSWORD})
    before = client.session.session_key
    code = device_code(AuthenticatorApp.objects.get(user=user))
    assert client.post("/account/sign-in/code/", {"code": code}).status_code == 302
    after = client.session.session_key
    assert before and after and after != before
    assert not SessionStore().exists(before)
