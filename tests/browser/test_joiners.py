"""In Chromium: a system administrator creates the sign-in of a new member of staff; the new
person opens the set-up link in their own browser, chooses a password, sets up an
authenticator app (the code computed from the secret the page shows) and lands signed in.
Every page passes axe. Screenshots at 375 px and 1280 px go to SAFEKEEP_SCREENSHOTS when it
is set."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from playwright.sync_api import expect

from safekeep.accounts.models import SetUpLink, User
from safekeep.audit.models import AuditEntry
from tests.browser.helpers import assert_accessible, browser_sign_in, shoot, totp_code
from tests.factories import make_staff, make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long new starter passphrase"


def _shoot(page: Any, name: str) -> None:
    shoot(page, f"joiners-{name}")


def test_an_administrator_invites_a_new_starter_who_sets_up_and_signs_in(
    page: Any, live_server: Any
) -> None:
    team = make_team("Children's Social Care East")
    admin_staff = make_staff(team=team, roles=("sysadmin",), given_name="Ada")
    admin = make_user(admin_staff)
    newcomer = make_staff(team=team, given_name="Nia", family_name="Newton")

    browser_sign_in(page, admin)
    page.get_by_role("link", name="Account").first.click()
    page.get_by_role("link", name="Create, reset and unlock sign-ins").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-ins")
    page.get_by_label("Search by name, staff ID or email address").fill("Newton")
    page.get_by_role("button", name="Search").click()
    assert_accessible(page)
    _shoot(page, "people")
    page.get_by_role("link", name="Nia Newton").click()
    expect(page.locator("#sign-in-state")).to_have_text("No sign-in")
    assert_accessible(page)
    _shoot(page, "person")

    page.get_by_role("button", name="Create sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in created for Nia Newton")
    link = page.locator("#set-up-link").inner_text().strip()
    assert link.startswith(live_server.url + "/account/set-up/")
    assert_accessible(page)
    _shoot(page, "link")
    page.get_by_role("link", name="Back to Nia Newton's sign-in").click()
    expect(page.locator("#sign-in-state")).to_contain_text("Waiting for set-up")
    assert link not in page.content()  # shown once

    # The new starter, in a browser of their own.
    theirs = page.context.browser.new_context(base_url=live_server.url).new_page()
    theirs.goto(link)
    theirs.wait_for_url("**/account/set-up/")
    expect(theirs.get_by_role("heading", level=1)).to_have_text("Choose a password")
    assert_accessible(theirs)
    _shoot(theirs, "choose-password")
    theirs.get_by_label("New password", exact=True).fill("short")
    theirs.get_by_label("New password again").fill("short")
    theirs.get_by_role("button", name="Continue").click()
    expect(theirs.locator(".govuk-error-summary")).to_contain_text("This password is too short")
    assert_accessible(theirs)
    theirs.get_by_label("New password", exact=True).fill(PASSWORD)
    theirs.get_by_label("New password again").fill(PASSWORD)
    theirs.get_by_role("button", name="Continue").click()

    theirs.wait_for_url("**/account/sign-in/set-up-app/")
    assert_accessible(theirs)
    _shoot(theirs, "set-up-app")
    theirs.get_by_text("I cannot scan the QR code").click()
    secret = theirs.locator("#setup-key").inner_text().replace(" ", "").strip()
    theirs.get_by_label("Code from your authenticator app").fill(
        totp_code(base64.b32decode(secret))
    )
    theirs.get_by_role("button", name="Finish setting up").click()
    expect(theirs.get_by_role("heading", level=1)).to_have_text("Hello, Nia Newton")
    assert theirs.locator(".app-header__name").inner_text() == "Nia Newton"
    _shoot(theirs, "signed-in")

    # The link is spent: opened again, it is refused in plain words.
    other = page.context.browser.new_context(base_url=live_server.url).new_page()
    other.goto(link)
    expect(other.get_by_role("heading", level=1)).to_have_text("This link cannot be used")
    assert_accessible(other)
    _shoot(other, "link-refused")

    user = User.objects.get(staff=newcomer)
    assert user.check_password(PASSWORD)
    assert SetUpLink.objects.get(user=user).used_at is not None
    assert list(
        AuditEntry.objects.filter(action__startswith="account.")
        .order_by("id")
        .values_list("action", "decision")
    ) == [("account.invite", "done"), ("account.set_up", "done"), ("account.set_up", "refused")]

    # The administrator sees the sign-in active, and may reset it but never their own.
    page.reload()
    expect(page.locator("#sign-in-state")).to_have_text("Active")
    expect(page.get_by_role("button", name="Reset password")).to_be_visible()
    expect(page.get_by_role("button", name="Reset authenticator app")).to_be_visible()
    page.goto(f"/account/people/{admin_staff.staff_id}/")
    expect(page.get_by_text("This is your own sign-in.")).to_be_visible()
    expect(page.get_by_role("button", name="Reset password")).to_have_count(0)
