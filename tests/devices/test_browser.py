"""Device pages in a real browser, checked with axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from safekeep.devices import services
from tests.browser.helpers import assert_accessible, browser_sign_in
from tests.devices.helpers import ORIGIN, make_device, make_personal_phone
from tests.factories import make_staff, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_enrol_their_own_phone_with_its_code_and_see_what_they_may_do(page):
    user = make_user(make_staff())
    # IT has added the phone to the register for its owner, checked its passcode and
    # issued its code.
    phone = make_personal_phone(user.staff, asset_tag="PER-0001", passcode="yes")
    code = services.enrolment_code_issue(origin=ORIGIN, device=phone, issued_by=None)
    browser_sign_in(page, user)
    page.goto("/devices/this-device/")
    expect(page.get_by_text("unknown personal device")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="how to use your own device for work").click()
    expect(
        page.get_by_text("Ask IT support to add your device to the device register.")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Enter an enrolment code").click()
    page.get_by_role("button", name="Enrol this device").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Enrolment code").fill(services.format_code(code))
    page.get_by_role("button", name="Enrol this device").click()
    expect(page.get_by_text("Safekeep knows this device as an enrolled")).to_be_visible()
    expect(page.get_by_text("personal phone PER-0001").first).to_be_visible()
    expect(page.get_by_text("Prevented by the task policy").first).to_be_visible()
    assert_accessible(page)


def test_it_register_and_device_pages_are_accessible(page):
    user = make_user(make_staff(roles=("it_support",)))
    make_device(asset_tag="LAP-0042", encrypted="no", assigned_staff=make_staff())
    browser_sign_in(page, user)
    for url in [
        "/devices/register/",
        "/devices/register/LAP-0042/",
        "/devices/register/add/",
        "/devices/register/non-compliant/",
        "/devices/task-policy/",
        "/devices/complaints/",
    ]:
        page.goto(url)
        assert_accessible(page)
    page.goto("/devices/register/LAP-0042/")
    page.get_by_role("button", name="Get an enrolment code").click()
    expect(page.locator(".app-code").first).to_have_text(re.compile(r"^\w{4}-\w{4}-\w{4}$"))
