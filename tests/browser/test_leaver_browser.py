"""In Chromium: a system administrator ends a member of staff now and watches every item of
their leaver checklist appear; IT records the laptop returned and the team manager
reallocates the case, and the checklist closes item by item. Screenshots at 375 px and on
a desktop go to SAFEKEEP_SCREENSHOTS when it is set."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safekeep.records.models import Case
from tests.browser.helpers import (
    assert_accessible,
    browser_sign_in,
    browser_use_device,
    fill_date,
    shoot,
)
from tests.factories import make_case, make_device, make_staff, make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(page: Any, live_server: Any, user: Any) -> Any:
    fresh = page.context.browser.new_context(base_url=live_server.url).new_page()
    if user.staff is not None:
        browser_use_device(fresh, live_server.url, make_device(staff=user.staff))
    browser_sign_in(fresh, user)
    return fresh


def _item(page: Any, item: str) -> Any:
    return page.locator(f"#leaver-items [data-item='{item}']")


def test_ending_someone_now_then_closing_each_item(page: Any, live_server: Any) -> None:
    team = make_team("Children's Social Care West")
    leaver = make_staff(team=team, given_name="Dana", family_name="Reeve", employment_type="agency")
    make_user(leaver)
    laptop = make_device(staff=leaver, asset_tag="LAP-0042")
    case = make_case(team=team, allocated=(leaver,))
    admin = make_user(make_staff(given_name="Sam", family_name="Admin", roles=("sysadmin",)))
    it = make_user(make_staff(given_name="Ira", family_name="Tech", roles=("it_support",)))
    manager_staff = make_staff(
        team=team, given_name="Mo", family_name="Lead", roles=("team_manager",)
    )
    manager = make_user(manager_staff)
    newcomer = make_staff(team=team, given_name="Nia", family_name="New")

    browser_use_device(page, live_server.url, make_device(staff=admin.staff))
    browser_sign_in(page, admin)
    page.goto(f"/staff/{leaver.staff_id}/end/")
    fill_date(page, "Last working day", timezone.localdate().isoformat())
    page.get_by_role("button", name="End their work").click()
    page.goto(f"/staff/{leaver.staff_id}/leaver/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dana Reeve has left")
    for done in ("sign_in", "sessions", "api_tokens", "device_credentials", "grants"):
        expect(_item(page, done)).to_have_attribute("data-done", "yes")
    expect(_item(page, "device")).to_contain_text("LAP-0042")
    expect(_item(page, "device")).to_contain_text("Outstanding")
    expect(_item(page, "reallocate")).to_contain_text(case.case_id)
    expect(_item(page, "reallocate")).to_contain_text("Outstanding")
    assert_accessible(page)
    shoot(page, "leaver-checklist-open")
    page.goto("/staff/leavers/")
    expect(page.get_by_role("link", name="Dana Reeve")).to_be_visible()
    shoot(page, "leavers")

    tech = _as(page, live_server, it)
    tech.goto(f"/staff/{leaver.staff_id}/leaver/")
    tech.get_by_role("button", name="Record returned LAP-0042").click()
    expect(_item(tech, "device")).to_have_attribute("data-done", "yes")
    laptop.refresh_from_db()
    assert laptop.assigned_staff is None

    boss = _as(page, live_server, manager)
    boss.goto(f"/staff/{leaver.staff_id}/leaver/")
    boss.get_by_role("link", name=f"Reallocate case {case.case_id}").click()
    boss.get_by_label("Who").select_option(label="Nia New (Practitioner)")
    boss.get_by_label("Allocated worker").check()
    fill_date(boss, "Start date", timezone.localdate().isoformat())
    boss.get_by_role("button", name="Allocate").click()
    boss.goto(f"/staff/{leaver.staff_id}/leaver/")
    expect(_item(boss, "reallocate")).to_have_attribute("data-done", "yes")
    expect(boss.locator("#leaver-summary")).to_contain_text("Everything is done")
    assert Case.objects.get(pk=case.pk).allocations.filter(staff=newcomer).exists()
    shoot(boss, "leaver-checklist-done")
