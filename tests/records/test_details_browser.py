"""The person's details in a real browser: typed on a phone, shown on the record with the
alerts first, and no sideways scroll at 375 px."""

from __future__ import annotations

import os

import pytest

from tests.browser.helpers import assert_accessible, browser_sign_in, browser_use_device
from tests.factories import make_case, make_device, make_staff, make_team, make_user

SHOTS = os.environ.get("SAFEKEEP_SCREENSHOTS", "")


def fits(page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_worker_records_details_and_the_record_shows_them(page, live_server):
    team = make_team("Details Team")
    worker = make_staff(team=team)
    case = make_case(team=team, allocated=(worker,))
    page.set_viewport_size({"width": 375, "height": 740})
    phone = make_device(device_type="smartphone", staff=worker, os_name="Android", os_version="14")
    browser_use_device(page, live_server.url, phone)
    browser_sign_in(page, make_user(worker))

    page.goto(f"/cases/{case.case_id}/")
    assert "No address, contacts or other details" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="Change the details").click()
    page.get_by_label("Alerts").fill("Risk to lone workers: visit in pairs")
    page.get_by_label("Address").fill("12 Canal Street\nMillbrook")
    page.get_by_label("NHS number").fill("943 476 5919")
    page.get_by_label("Child protection plan").check()
    contact = page.get_by_role("group", name="Contact 2")
    contact.get_by_label("Name").fill("Lee Smith")
    contact.get_by_label("Relationship").fill("father")
    contact.get_by_label("Must not be contacted").check()
    assert fits(page)
    assert_accessible(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/details-form-375.png", full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Save details").click()

    alerts = page.get_by_role("region", name="Alerts")
    assert "Risk to lone workers" in alerts.inner_text()
    main = page.locator("main").inner_text()
    assert main.index("Risk to lone workers") < main.index("Owning team")
    for shown in ("12 Canal Street", "943 476 5919", "Child protection plan", "Do not contact"):
        assert shown in main
    assert fits(page)
    assert_accessible(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/case-details-375.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=f"{SHOTS}/case-details-1280.png", full_page=True)
