"""Sign-in with password and authenticator code, and the messages that reveal nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from safekeep.accounts.models import AuthenticatorApp
from tests.accounts.helpers import (
    CODE,
    ENROL,
    FAILURE,
    SIGN_IN,
    actions,
    is_signed_in,
    post_password,
    real_sign_in,
    slow_account,
)
from tests.browser.helpers import device_code, totp_code
from tests.factories import make_staff, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_otp_throttle(settings) -> None:
    # django-otp also slows retries after a wrong code; Safekeep's throttle is what is tested.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def test_password_then_code_signs_in_and_is_audited(client: Client) -> None:
    user = make_user(make_staff())
    response = post_password(client, user.email.upper())
    assert response.status_code == 302 and response["Location"] == CODE
    assert not is_signed_in(client)
    response = client.post(CODE, {"code": device_code(AuthenticatorApp.objects.get(user=user))})
    assert response.status_code == 302 and response["Location"] == "/"
    assert is_signed_in(client)
    assert actions("auth.sign_in") == [("done", [])]


def test_next_is_followed_only_within_the_site(client: Client) -> None:
    user = make_user(make_staff())
    client.post(
        SIGN_IN,
        {"email": user.email, "password": "correct horse battery staple", "next": "/account/"},
    )
    response = client.post(CODE, {"code": device_code(AuthenticatorApp.objects.get(user=user))})
    assert response["Location"] == "/account/"

    other = Client()
    other.post(
        SIGN_IN,
        {
            "email": user.email,
            "password": "correct horse battery staple",
            "next": "https://evil.example/",
        },
    )
    response = other.post(CODE, {"code": device_code(AuthenticatorApp.objects.get(user=user))})
    assert response["Location"] == "/"


def test_empty_form_shows_the_gov_uk_error_summary(client: Client) -> None:
    response = client.post(SIGN_IN, {"email": "", "password": ""})
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#id_email">Enter your email address</a>' in html
    assert '<a href="#id_password">Enter your password</a>' in html
    assert html.count("govuk-form-group--error") == 2
    assert 'aria-describedby="id_email-error"' in html


def test_badly_formed_email_and_code_say_what_to_fix(client: Client) -> None:
    response = client.post(SIGN_IN, {"email": "nobody", "password": "x"})
    assert "Enter an email address in the correct format, like name@council.gov.uk" in (
        response.content.decode()
    )
    user = make_user(make_staff())
    post_password(client, user.email)
    response = client.post(CODE, {"code": "12ab"})
    assert "Enter the code as 6 numbers, like 123456" in response.content.decode()
    assert actions("auth.sign_in") == []  # a typo in the format is not an attempt


@pytest.mark.parametrize(
    "case", ["unknown email", "wrong password", "wrong code", "account slowed elsewhere"]
)
def test_every_failure_looks_the_same(client: Client, case: str) -> None:
    user = make_user(make_staff())
    device = AuthenticatorApp.objects.get(user=user)
    email, password, code = user.email, "correct horse battery staple", device_code(device)
    if case == "unknown email":
        email = "nobody@council.example"
    elif case == "wrong password":
        password = "not the password"
    elif case == "wrong code":
        code = str((int(code) + 1) % 1000000).zfill(6)
    else:
        slow_account(user)  # attacked from elsewhere: strangers (this client) must wait
    response = post_password(client, email, password)
    # Whatever went wrong, the code page comes next ...
    assert response.status_code == 302 and response["Location"] == CODE
    response = client.post(CODE, {"code": code})
    # ... and then the same message on the sign-in page.
    assert response.status_code == 302 and response["Location"] == SIGN_IN
    page = client.get(SIGN_IN).content.decode()
    assert FAILURE in page
    assert "There is a problem" in page
    assert not is_signed_in(client)
    assert actions("auth.sign_in")[-1][0] == "refused"


def test_audit_names_the_failed_part_for_information_governance(client: Client) -> None:
    user = make_user(make_staff())
    post_password(client, "nobody@council.example")
    post_password(client, user.email, "not the password")
    post_password(client, user.email)
    client.post(CODE, {"code": "000000"})
    reasons = [reasons for _, reasons in actions("auth.sign_in")]
    assert reasons == [
        ["no account with that email"],
        ["wrong password"],
        ["wrong two-factor code"],
    ]
    for entry_reasons in reasons:
        assert "not the password" not in str(entry_reasons)


def test_a_code_cannot_be_used_twice(client: Client) -> None:
    user = make_user(make_staff())
    device = AuthenticatorApp.objects.get(user=user)
    code = device_code(device)
    post_password(client, user.email)
    client.post(CODE, {"code": code})
    other = Client()
    post_password(other, user.email)
    response = other.post(CODE, {"code": code})
    assert response["Location"] == SIGN_IN


def test_leaver_and_disabled_accounts_cannot_sign_in(client: Client) -> None:
    import datetime as dt

    leaver = make_user(make_staff(end_date=dt.date(2021, 1, 1)))
    disabled = make_user(make_staff())
    disabled.is_active = False
    disabled.save()
    orphan = make_user(make_staff())
    orphan.staff = None
    orphan.save()
    for user, reason in [
        (leaver, "staff member has left"),
        (disabled, "account disabled"),
        (orphan, "account not linked to a member of staff"),
    ]:
        response = real_sign_in(client, user)
        assert response["Location"] == SIGN_IN
        assert FAILURE in client.get(SIGN_IN).content.decode()
        assert actions("auth.sign_in")[-1] == ("refused", [reason])
        assert not is_signed_in(client)


def test_code_page_without_a_password_step_goes_back_to_sign_in(client: Client) -> None:
    assert client.get(CODE)["Location"] == SIGN_IN
    assert client.get(ENROL)["Location"] == SIGN_IN


def test_a_slow_sign_in_must_start_again(client: Client) -> None:
    user = make_user(make_staff())
    post_password(client, user.email)
    session = client.session
    session["safekeep.pending_sign_in"]["started"] -= 6 * 60
    session.save()
    response = client.post(CODE, {"code": device_code(AuthenticatorApp.objects.get(user=user))})
    assert response["Location"] == SIGN_IN
    assert "Your sign-in took too long. Sign in again." in client.get(SIGN_IN).content.decode()


def test_first_sign_in_enrols_an_app_by_qr_code(client: Client) -> None:
    user = make_user(make_staff(), with_totp=False)
    response = post_password(client, user.email)
    assert response["Location"] == ENROL
    page = client.get(ENROL).content.decode()
    assert 'src="data:image/svg+xml;base64,' in page
    assert 'id="setup-key"' in page
    device = AuthenticatorApp.objects.get(user=user, confirmed=False)
    # Reloading keeps the same secret (the person may already have scanned it).
    client.get(ENROL)
    assert AuthenticatorApp.objects.filter(user=user).count() == 1

    response = client.post(ENROL, {"code": "000000"})
    assert "The code is not right. Enter the code your app shows now" in response.content.decode()
    assert not is_signed_in(client)

    response = client.post(ENROL, {"code": totp_code(device.bin_key)})
    assert response["Location"] == "/"
    assert is_signed_in(client)
    device.refresh_from_db()
    assert device.confirmed
    assert actions("auth.sign_in")[-1] == ("done", ["authenticator app set up"])


def test_enrolment_is_not_offered_once_an_app_is_confirmed(client: Client) -> None:
    user = make_user(make_staff())
    post_password(client, user.email)
    assert client.get(ENROL)["Location"] == CODE


def test_wrong_password_never_reaches_enrolment(client: Client) -> None:
    user = make_user(make_staff(), with_totp=False)
    response = post_password(client, user.email, "not the password")
    assert response["Location"] == CODE
    assert client.get(ENROL)["Location"] == CODE
    assert not AuthenticatorApp.objects.filter(user=user).exists()


def test_enrolment_page_never_shows_to_an_unknown_email(client: Client) -> None:
    response = post_password(client, "nobody@council.example")
    assert response["Location"] == CODE


def test_sign_out_needs_post_and_ends_the_session(client: Client) -> None:
    user = make_user(make_staff())
    real_sign_in(client, user)
    assert client.get("/account/sign-out/").status_code == 405
    response = client.post("/account/sign-out/")
    assert response["Location"] == SIGN_IN
    assert "You have signed out." in client.get(SIGN_IN).content.decode()
    assert not is_signed_in(client)
    assert [d for d, _ in actions("auth.sign_out")] == ["done"]


def test_forms_are_protected_against_cross_site_requests() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(SIGN_IN, {"email": "a@b.c", "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your form could not be sent" in html
    assert "CSRF" not in html
    page = client.get(SIGN_IN).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


def test_no_public_account_creation(client: Client) -> None:
    for path in ("/account/register/", "/account/sign-up/", "/account/create/"):
        assert client.get(path).status_code == 404
