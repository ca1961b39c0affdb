"""Council sign-in in Chromium through the real redirects to a real OpenID Provider
(tests/oidc_provider/): recent multi-factor lands signed in; without it Safekeep asks for its
own code; every refusal shows a plain page and is audited; sign-out ends at the provider."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from safekeep.accounts import oidc
from safekeep.accounts.models import AuthenticatorApp
from safekeep.audit.models import AuditEntry
from tests.accounts.oidc_helpers import PROVIDER_NAME, use_council
from tests.browser.helpers import assert_accessible, device_code
from tests.factories import make_staff, make_user
from tests.oidc_provider.harness import CALLBACK, CouncilProvider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def provider(settings: Any, council_provider: CouncilProvider) -> CouncilProvider:
    use_council(settings, council_provider)
    return council_provider


def at_the_provider(page: Any, *, email: str, mfa: bool = True) -> None:
    """From Safekeep's sign-in page, through the provider's own sign-in page."""
    page.goto("/account/sign-in/")
    page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the test council")
    page.get_by_label("Email address").fill(email)
    if mfa:
        page.get_by_label("Used multi-factor authentication").check()


def refusal_reasons() -> list[list[str]]:
    return [
        list(entry.reasons)
        for entry in AuditEntry.objects.filter(action=oidc.ACTION, decision="refused")
    ]


def test_multi_factor_at_the_council_signs_in_and_sign_out_ends_there_too(
    page: Any, provider: CouncilProvider
) -> None:
    user = make_user(make_staff(given_name="Asha", family_name="Patel"))
    page.goto("/")
    assert_accessible(page)
    at_the_provider(page, email=user.email)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Asha Patel")
    assert page.url == f"{page.url.split('/')[0]}//{page.url.split('/')[2]}/"
    assert AuditEntry.objects.filter(action="auth.sign_in", decision="done").count() == 1

    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out of Safekeep")
    assert_accessible(page)
    page.get_by_role("button", name=f"Sign out of {PROVIDER_NAME}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign out of the test council")
    assert page.url.startswith(f"{provider.issuer}/session/end")
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have signed out.")
    page.goto("/")
    assert "/account/sign-in/" in page.url


def test_without_multi_factor_safekeep_asks_for_its_own_code(
    page: Any, provider: CouncilProvider
) -> None:
    user = make_user(make_staff(given_name="Ben", family_name="Okafor"))
    at_the_provider(page, email=user.email, mfa=False)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/account/sign-in/code/")
    assert_accessible(page)
    device = AuthenticatorApp.objects.get(user=user)
    page.get_by_label("Code from your authenticator app").fill(device_code(device))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Ben Okafor")


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("audience", "ID token is for another service (wrong audience)"),
        ("issuer", "ID token is from another issuer (wrong issuer)"),
        ("expired", "ID token has expired"),
        ("signature", "ID token's signature does not verify against the provider's keys"),
    ],
)
def test_a_bad_id_token_is_refused_with_a_plain_page(
    page: Any, provider: CouncilProvider, mode: str, reason: str
) -> None:
    user = make_user(make_staff())
    at_the_provider(page, email=user.email)
    provider.tamper(mode)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You could not be signed in")
    expect(page.locator("#refusal")).to_contain_text("could not trust the answer it was sent")
    assert_accessible(page)
    assert refusal_reasons() == [[reason]]
    page.goto("/")
    assert "/account/sign-in/" in page.url


def test_a_replayed_answer_and_a_replayed_token_are_refused(
    page: Any, provider: CouncilProvider
) -> None:
    user = make_user(make_staff())
    answers: list[str] = []

    def note(request: Any) -> None:
        if CALLBACK in request.url:
            answers.append(request.url)

    page.on("request", note)
    at_the_provider(page, email=user.email)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/account/sign-in" not in url)
    page.context.clear_cookies()  # signed out here; the provider's session is gone too

    page.goto(answers[0])  # the same code and state again
    expect(page.locator("#refusal")).to_contain_text("could not trust the answer it was sent")

    at_the_provider(page, email=user.email)
    provider.tamper("replay")  # the provider sends the earlier sign-in's ID token again
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#refusal")).to_contain_text("could not trust the answer it was sent")
    assert refusal_reasons() == [
        ["the answer's state is not one this browser started (replayed or forged)"],
        ["ID token's nonce is not this sign-in's (replayed token)"],
    ]


def test_someone_the_staff_directory_does_not_know_is_refused(
    page: Any, provider: CouncilProvider
) -> None:
    at_the_provider(page, email="visitor@elsewhere.example")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#refusal")).to_contain_text("you are not in Safekeep's staff directory")
    assert_accessible(page)
    [[reason]] = refusal_reasons()
    assert reason.startswith("not in the staff directory")


def test_a_leaver_is_refused(page: Any, provider: CouncilProvider) -> None:
    user = make_user(make_staff(end_date=dt.date(2021, 3, 31)))
    at_the_provider(page, email=user.email)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#refusal")).to_contain_text("your Safekeep account may not be used now")
    assert refusal_reasons() == [["staff member has left"]]
