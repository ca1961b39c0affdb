"""The case pages in a real browser, on a phone-sized screen, checked with axe."""

from __future__ import annotations

import pytest

from safekeep.access.vocabulary import Action
from safekeep.records import services
from tests.browser.helpers import assert_accessible, browser_sign_in, browser_use_device
from tests.factories import (
    case_access,
    make_case,
    make_device,
    make_staff,
    make_team,
    make_user,
)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_case_pages_are_accessible_on_a_phone(page, live_server):
    team = make_team("Browser Team")
    worker = make_staff(team=team)
    case = make_case(team=team, allocated=(worker,))
    hidden = make_case(team=make_team("Browser Other"))
    services.entry_add(
        access=case_access(worker, case, Action.ADD_ENTRY),
        kind="note",
        title="Home visit",
        body="Fine",
    )
    page.set_viewport_size({"width": 375, "height": 740})
    phone = make_device(device_type="smartphone", staff=worker, os_name="Android", os_version="14")
    browser_use_device(page, live_server.url, phone)
    browser_sign_in(page, make_user(worker))

    page.goto("/cases/")
    assert page.locator("#case-count").inner_text() == "1 case you can see"
    assert_accessible(page)

    with page.expect_navigation():
        page.click(f"text={case.case_id}")
    page.get_by_role("heading", name="Entries").wait_for(timeout=10_000)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert_accessible(page)

    page.goto(f"/cases/{case.case_id}/entries/add/")
    page.click("button:has-text('Save entry')")
    assert page.locator(".govuk-error-summary").inner_text().startswith("There is a problem")
    assert_accessible(page)

    response = page.goto(f"/cases/{hidden.case_id}/")
    assert response.status == 403
    assert "You are not allocated to this case" in page.locator("#refusal-reasons").inner_text()
    assert_accessible(page)
