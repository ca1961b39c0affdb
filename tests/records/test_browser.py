"""The case pages in a real browser, on a phone-sized screen, checked with axe."""

from __future__ import annotations

import pytest

from safekeep.access.vocabulary import Action
from safekeep.records import services
from tests.browser.helpers import (
    assert_accessible,
    browser_sign_in,
    browser_use_device,
    shoot,
)
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


def _fits(page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [320, 1280])
def test_the_caseload_is_a_list_on_a_phone_and_a_table_on_a_desk(page, live_server, width):
    """A practitioner's few cases and a manager's many (two pages of them), with the longest
    words a caseload holds: no sideways scroll at 320 px, and still a table at 1280 px."""
    team = make_team("Children's Social Care North and Child Protection Locality Team")
    worker = make_staff(team=team)
    manager = make_staff(team=team, roles=("team_manager",))
    for _ in range(3):
        make_case(team=team, allocated=(worker,), classification="OFFICIAL-SENSITIVE")
    for _ in range(27):
        make_case(team=team)
    for who, count in ((worker, 3), (manager, 30)):
        page.context.clear_cookies()
        page.set_viewport_size({"width": width, "height": 800})
        browser_use_device(page, live_server.url, make_device(staff=who))
        browser_sign_in(page, make_user(who))
        page.goto("/cases/")
        assert page.locator("#case-count").inner_text() == f"{count} cases you can see"
        assert _fits(page), who
        table = page.locator("#cases")
        header = table.locator("thead")
        if width == 320:  # cards: the headings are hidden, each cell names its column
            assert header.bounding_box()["height"] <= 1
            card = table.locator("tbody tr").first
            label = (
                card.locator("td")
                .nth(3)
                .evaluate("cell => getComputedStyle(cell, '::before').content")
            )
            assert label == '"Classification: "'
            assert (
                card.locator("td").nth(2).bounding_box()["y"]
                > card.locator("td").nth(1).bounding_box()["y"]
            )
        else:  # a table: one row of headings, the cells side by side
            assert header.is_visible()
            row = table.locator("tbody tr").first
            assert row.locator("td").nth(1).bounding_box()["y"] == pytest.approx(
                row.locator("td").nth(0).bounding_box()["y"], abs=2
            )
        assert_accessible(page)
        shoot(page, "caseload-manager" if who == manager else "caseload-practitioner")
    assert page.get_by_role("navigation", name="Pages of cases").is_visible()
