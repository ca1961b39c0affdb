"""The staff pages in Chromium: a sysadmin adds someone, fixes the errors, ends their work; axe."""

from __future__ import annotations

import pytest

from tests.browser.helpers import assert_accessible, browser_sign_in, fill_date
from tests.factories import make_staff, make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_staff_pages_are_usable_and_accessible(page) -> None:
    make_team("Early Help", "Family Services")
    admin = make_staff(roles=("sysadmin",), team=make_team("Digital", "Corporate Services"))
    browser_sign_in(page, make_user(admin))

    page.goto("/staff/")
    assert_accessible(page)
    page.get_by_role("button", name="Add a member of staff").click()
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "There is a problem" in summary and "Enter a staff ID" in summary
    assert_accessible(page)

    page.get_by_label("Staff ID").fill("S123")
    page.get_by_label("First name").fill("Rhiannon")
    page.get_by_label("Last name").fill("Example")
    page.get_by_label("Email address").fill("rhiannon@council.example")
    page.get_by_label("Team", exact=True).select_option(label="Early Help (Family Services)")
    page.get_by_label("Practitioner", exact=True).check()
    page.get_by_label("Employment type").select_option("employee")
    page.get_by_label("Works with children or vulnerable adults").select_option("yes")
    page.get_by_label("Work pattern").select_option("flexible")
    fill_date(page, "Start date", "2025-09-01")
    page.get_by_role("button", name="Save").click()
    assert "Rhiannon Example (S123) has been added." in page.inner_text("main")
    assert_accessible(page)

    page.get_by_role("link", name="End Rhiannon Example's work").click()
    assert_accessible(page)
    fill_date(page, "Last working day", "2026-01-31")
    page.get_by_role("button", name="End their work").click()
    assert "ends on 2026-01-31" in page.inner_text("main")


def test_manager_team_page_is_accessible(page) -> None:
    team = make_team("Reablement", "Adults and Health")
    manager = make_staff(team=team, roles=("team_manager",))
    make_staff(team=team, given_name="Priya")
    browser_sign_in(page, make_user(manager))
    page.goto("/staff/team/")
    assert "Priya" in page.inner_text("main")
    assert_accessible(page)
