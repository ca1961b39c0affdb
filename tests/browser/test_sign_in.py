"""A real sign-in in Chromium: first sign-in enrols an authenticator app; every page passes axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, browser_sign_in
from tests.factories import PASSWORD, make_staff, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_first_sign_in_enrols_an_app_and_every_page_is_accessible(page) -> None:
    staff = make_staff(given_name="Asha", family_name="Patel", roles=("practitioner",))
    user = make_user(staff, with_totp=False)

    page.goto("/")
    assert page.url.endswith("/account/sign-in/?next=/")
    assert_accessible(page)

    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your password")
    assert page.locator(".govuk-error-summary").inner_text().count("Enter your") == 2
    assert_accessible(page)

    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/account/sign-in/set-up-app/")
    assert page.locator("img.app-qr-code").get_attribute("src").startswith("data:image/svg+xml")
    assert_accessible(page)

    page.get_by_label("Code from your authenticator app").fill("12")
    page.get_by_role("button", name="Finish setting up").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the code as 6 numbers, like 123456"
    )
    assert_accessible(page)

    # Start again from the sign-in page: the same unconfirmed app is offered until confirmed.
    browser_sign_in(page, user)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Asha Patel")
    assert page.locator(".app-header__name").inner_text() == "Asha Patel"
    assert_accessible(page)

    page.get_by_role("link", name="Account").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    assert_accessible(page)

    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have signed out.")
    assert_accessible(page)

    # Second sign-in: the app is already set up, so only a code is asked for.
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/account/sign-in/code/")
    assert_accessible(page)


def test_wrong_password_reveals_nothing_in_the_browser(page) -> None:
    user = make_user(make_staff())
    page.goto("/account/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Continue").click()
    # The code page is shown whatever happened: it does not say the password was wrong.
    assert "/account/sign-in/code/" in page.url
    page.get_by_label("Code from your authenticator app").fill("123456")
    page.get_by_role("button", name="Sign in").click()
    assert "/account/sign-in/" in page.url
    assert (
        "The email address, password or code is not right."
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)
