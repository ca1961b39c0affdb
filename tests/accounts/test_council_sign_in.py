"""Council sign-in (OpenID Connect) against a real provider over HTTP: each refusal reaches
the provider's real token endpoint and keys, is refused with a plain message, and audited.
The browser goes through the same redirects in tests/browser/test_council_sign_in.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from safekeep.accounts import oidc
from safekeep.accounts.models import AuthenticatorApp, CouncilIdentity, User
from safekeep.audit.models import AuditEntry
from tests.accounts.helpers import CODE, ENROL, SIGN_IN, actions, is_signed_in, post_password
from tests.accounts.helpers import real_sign_in as sign_in_with_password
from tests.accounts.oidc_helpers import (
    PROVIDER_NAME,
    START,
    council_sign_in,
    provider_answer,
    use_council,
)
from tests.browser.helpers import device_code
from tests.factories import make_staff, make_user
from tests.oidc_provider.harness import CouncilProvider, callback_path

pytestmark = pytest.mark.django_db

TRY_AGAIN = "could not trust the answer it was sent"
NOT_IN_DIRECTORY = "you are not in Safekeep&#x27;s staff directory"
MAY_NOT_ACT = "your Safekeep account may not be used now"


@pytest.fixture
def provider(settings: Any, council_provider: CouncilProvider) -> CouncilProvider:
    use_council(settings, council_provider)
    return council_provider


def refusals() -> list[list[str]]:
    return [reasons for decision, reasons in actions(oidc.ACTION) if decision == "refused"]


def test_recent_mfa_signs_in_verified_without_safekeeps_code(
    client: Client, provider: CouncilProvider
) -> None:
    user = make_user(make_staff())
    response = council_sign_in(client, provider, email=user.email.upper())
    assert response.status_code == 302 and response["Location"] == "/"
    assert is_signed_in(client)
    identity = CouncilIdentity.objects.get(user=user)
    assert identity.issuer == provider.issuer and identity.subject.startswith("acct-")
    assert actions("auth.sign_in") == [
        (
            "done",
            [
                f"signed in with {PROVIDER_NAME}",
                "council identity linked by email",
                "the provider's multi-factor authentication accepted",
            ],
        )
    ]


def test_no_mfa_asks_for_safekeeps_code(client: Client, provider: CouncilProvider) -> None:
    user = make_user(make_staff())
    response = council_sign_in(client, provider, email=user.email, mfa=False)
    assert response.status_code == 302 and response["Location"] == CODE
    assert not is_signed_in(client)
    assert actions(oidc.ACTION)[-1][1][-1].startswith("Safekeep's own code asked for")
    app = AuthenticatorApp.objects.get(user=user)
    response = client.post(CODE, {"code": device_code(app)})
    assert response.status_code == 302 and is_signed_in(client)


def test_mfa_too_long_ago_asks_for_safekeeps_code(
    client: Client, provider: CouncilProvider, settings: Any
) -> None:
    settings.SAFEKEEP_OIDC_MFA_MAX_AGE_HOURS = 12
    user = make_user(make_staff())
    response = council_sign_in(client, provider, email=user.email, hours_ago=13)
    assert response["Location"] == CODE and not is_signed_in(client)


def test_no_mfa_and_no_app_yet_sets_one_up(client: Client, provider: CouncilProvider) -> None:
    user = make_user(make_staff(), with_totp=False)
    response = council_sign_in(client, provider, email=user.email, mfa=False)
    assert response["Location"] == ENROL


def test_a_staff_member_without_an_account_gets_one_without_a_password(
    client: Client, provider: CouncilProvider
) -> None:
    staff = make_staff()
    response = council_sign_in(client, provider, email=staff.email)
    assert response.status_code == 302 and is_signed_in(client)
    user = User.objects.get(staff=staff)
    assert not user.has_usable_password()
    assert "sign-in account made for the staff member" in actions("auth.sign_in")[0][1]


def test_the_linked_subject_is_matched_before_the_email(
    client: Client, provider: CouncilProvider
) -> None:
    user = make_user(make_staff())
    council_sign_in(client, provider, email=user.email)
    identity = CouncilIdentity.objects.get(user=user)
    # The person's email changes in the directory; the provider still knows them by subject.
    staff = user.staff
    assert staff is not None
    staff.email = "renamed@council.example"
    staff.save()
    again = Client()
    response = council_sign_in(again, provider, email=user.email)
    assert response.status_code == 302 and is_signed_in(again)
    assert CouncilIdentity.objects.get() == identity


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("audience", "ID token is for another service (wrong audience)"),
        ("issuer", "ID token is from another issuer (wrong issuer)"),
        ("expired", "ID token has expired"),
        ("signature", "ID token's signature does not verify against the provider's keys"),
        ("replay", "ID token's nonce is not this sign-in's (replayed token)"),
    ],
)
def test_a_bad_id_token_is_refused_and_audited(
    client: Client, provider: CouncilProvider, mode: str, reason: str
) -> None:
    user = make_user(make_staff())
    if mode == "replay":  # a token the provider really issued, for an earlier sign-in
        council_sign_in(Client(), provider, email=user.email)
    response = council_sign_in(client, provider, email=user.email, tamper=mode)
    assert response.status_code == 403
    assert TRY_AGAIN in response.content.decode()
    assert not is_signed_in(client)
    assert refusals() == [[reason]]
    assert AuditEntry.objects.filter(action="auth.sign_in", decision="done").count() == (
        1 if mode == "replay" else 0
    )


def test_a_replayed_answer_is_refused_and_audited(
    client: Client, provider: CouncilProvider
) -> None:
    user = make_user(make_staff())
    back = provider_answer(client, provider, email=user.email)
    assert client.get(callback_path(back)).status_code == 302
    client.post("/account/sign-out/")
    response = client.get(callback_path(back))
    assert response.status_code == 403 and TRY_AGAIN in response.content.decode()
    assert refusals() == [
        ["the answer's state is not one this browser started (replayed or forged)"]
    ]
    assert not is_signed_in(client)


def test_an_answer_started_in_another_browser_is_refused(
    client: Client, provider: CouncilProvider
) -> None:
    user = make_user(make_staff())
    back = provider_answer(client, provider, email=user.email)
    response = Client().get(callback_path(back))
    assert response.status_code == 403
    assert refusals() == [
        ["the answer's state is not one this browser started (replayed or forged)"]
    ]


def test_someone_not_in_the_staff_directory_is_refused(
    client: Client, provider: CouncilProvider
) -> None:
    response = council_sign_in(client, provider, email="stranger@elsewhere.example")
    assert response.status_code == 403
    assert NOT_IN_DIRECTORY in response.content.decode()
    assert not User.objects.exists() and not CouncilIdentity.objects.exists()
    [[reason]] = refusals()
    assert reason.startswith("not in the staff directory") and "stranger@elsewhere" in reason


def test_a_leaver_is_refused(client: Client, provider: CouncilProvider) -> None:
    user = make_user(make_staff(end_date=dt.date(2021, 3, 31)))
    response = council_sign_in(client, provider, email=user.email)
    assert response.status_code == 403 and MAY_NOT_ACT in response.content.decode()
    assert refusals() == [["staff member has left"]]
    assert not is_signed_in(client)


def test_a_disabled_account_is_refused(client: Client, provider: CouncilProvider) -> None:
    user = make_user(make_staff())
    user.is_active = False
    user.save()
    response = council_sign_in(client, provider, email=user.email)
    assert response.status_code == 403
    assert refusals() == [["account disabled"]]


def test_an_account_linked_to_another_identity_is_not_taken_over(
    client: Client, provider: CouncilProvider
) -> None:
    user = make_user(make_staff())
    CouncilIdentity.objects.create(
        user=user, issuer=provider.issuer, subject="someone-else", name="Council sign-in"
    )
    response = council_sign_in(client, provider, email=user.email)
    assert response.status_code == 403
    [[reason]] = refusals()
    assert "linked to another identity" in reason


def test_a_leaver_signed_in_by_the_council_is_signed_out_at_the_next_request(
    client: Client, provider: CouncilProvider
) -> None:
    staff = make_staff()
    user = make_user(staff)
    council_sign_in(client, provider, email=user.email)
    assert is_signed_in(client)
    staff.end_date = dt.date(2021, 3, 31)
    staff.save()
    assert not is_signed_in(client)


def test_sign_out_goes_to_the_providers_end_session(
    client: Client, provider: CouncilProvider
) -> None:
    user = make_user(make_staff())
    council_sign_in(client, provider, email=user.email)
    response = client.post("/account/sign-out/")
    assert response.status_code == 200
    [link] = [line for line in response.content.decode().splitlines() if "/session/end?" in line]
    assert f'href="{provider.issuer}/session/end?' in link
    assert "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2Faccount%2Fsign-in%2F" in link
    assert not is_signed_in(client)
    # A password sign-in's sign-out goes straight back to the sign-in page.
    user = make_user(make_staff())
    other = Client()
    sign_in_with_password(other, user)
    assert other.post("/account/sign-out/")["Location"] == SIGN_IN


def test_only_listed_administrators_may_use_a_password_while_council_sign_in_is_on(
    client: Client, provider: CouncilProvider, settings: Any
) -> None:
    admin = make_user(make_staff(roles=("system_admin",)))
    other = make_user(make_staff())
    settings.SAFEKEEP_LOCAL_SIGN_IN_EMAILS = [admin.email.lower()]
    response = post_password(client, other.email)
    assert response.status_code == 200
    assert f"Sign in with {PROVIDER_NAME} instead" in response.content.decode()
    assert actions("auth.sign_in")[-1] == ("refused", [oidc_refusal_words()])
    response = post_password(Client(), admin.email)
    assert response.status_code == 302 and response["Location"] == CODE


def oidc_refusal_words() -> str:
    from safekeep.accounts.sign_in import COUNCIL_ONLY

    return COUNCIL_ONLY


def test_the_sign_in_page_offers_the_council_only_when_configured(
    client: Client, provider: CouncilProvider, settings: Any
) -> None:
    assert f"Sign in with {PROVIDER_NAME}" in client.get(SIGN_IN).content.decode()
    settings.SAFEKEEP_OIDC_CLIENT_SECRET = ""
    assert "Sign in with" not in client.get(SIGN_IN).content.decode()
    assert client.get(START).status_code == 404
    user = make_user(make_staff())
    assert post_password(client, user.email)["Location"] == CODE  # every password works again


def test_mfa_recent_reads_amr_acr_and_auth_time(settings: Any) -> None:
    settings.SAFEKEEP_OIDC_MFA_MAX_AGE_HOURS = 12
    settings.SAFEKEEP_OIDC_MFA_ACR_VALUES = ["c1"]
    now = 1_800_000_000.0
    assert oidc.mfa_recent({"amr": ["pwd", "mfa"], "auth_time": now - 3600}, now)
    assert not oidc.mfa_recent({"amr": ["pwd", "mfa"], "auth_time": now - 13 * 3600}, now)
    assert not oidc.mfa_recent({"amr": ["pwd", "mfa"]}, now)  # when, unknown
    assert not oidc.mfa_recent({"amr": ["pwd"], "auth_time": now}, now)
    assert oidc.mfa_recent({"acrs": ["c1"], "auth_time": now}, now)
    assert not oidc.mfa_recent({"acr": "1", "auth_time": now}, now)
    settings.SAFEKEEP_OIDC_MFA_MAX_AGE_HOURS = 0  # always Safekeep's own code
    assert not oidc.mfa_recent({"amr": ["pwd", "mfa"], "auth_time": now}, now)
