"""The team manager's allocation flow in a real browser, on a phone (320 px) and a desk
(1280 px): the workload, the queue, allocating by name, ending the allocation."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.utils import timezone

from safekeep.audit.models import AuditEntry
from safekeep.records.models import Allocation
from tests.browser.helpers import assert_accessible, browser_sign_in, browser_use_device, fill_date
from tests.factories import make_case, make_device, make_staff, make_team, make_user

SHOTS = os.environ.get("SAFEKEEP_SCREENSHOTS", "")


def _no_sideways_scroll(page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [320, 1280])
def test_manager_allocates_from_the_queue_and_ends_it(page, live_server, width):
    team = make_team("Children North Locality Team")
    manager = make_staff(team=team, roles=("team_manager",), given_name="Mina", family_name="Rao")
    worker = make_staff(team=team, given_name="Bartholomew", family_name="Featherstonehaugh")
    busy = make_staff(team=team, given_name="Ann", family_name="Able")
    make_case(team=team, allocated=(busy,), classification="OFFICIAL-SENSITIVE")
    waiting = make_case(team=team)
    page.set_viewport_size({"width": width, "height": 800})
    browser_use_device(page, live_server.url, make_device(staff=manager))
    browser_sign_in(page, make_user(manager))

    page.goto("/cases/workload/")
    assert page.locator("#queue-count").inner_text().startswith("1 open case with no allocated")
    assert _no_sideways_scroll(page)
    assert_accessible(page)
    _shot(page, f"workload-{width}")

    with page.expect_navigation():
        page.locator("#queue").get_by_role("link", name=f"Allocate case {waiting.case_id}").click()
    page.get_by_label("Who").select_option(label="Bartholomew Featherstonehaugh (Practitioner)")
    page.get_by_label("Allocated worker").check()
    started = timezone.localdate() - dt.timedelta(days=30)
    fill_date(page, "Start date", started.isoformat())
    assert _no_sideways_scroll(page)
    _shot(page, f"allocate-{width}")
    with page.expect_navigation():
        page.get_by_role("button", name="Allocate").click()
    assert "Allocation added" in page.locator("main").inner_text()
    allocation = Allocation.objects.get(case=waiting, staff=worker)
    assert AuditEntry.objects.filter(action="allocation.create", object_id=str(allocation.pk))

    page.goto("/cases/workload/")
    assert page.locator("#queue-count").inner_text() == "Every open case has an allocated worker."

    page.goto(f"/cases/{waiting.case_id}/")
    with page.expect_navigation():
        page.get_by_role("link", name="End Bartholomew Featherstonehaugh's allocation").click()
    # No reason: the GOV.UK error, and nothing ended.
    with page.expect_navigation():
        page.get_by_role("button", name="End allocation").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert summary.startswith("There is a problem") and "Enter your reason" in summary
    assert_accessible(page)
    assert _no_sideways_scroll(page)
    _shot(page, f"end-allocation-error-{width}")
    allocation.refresh_from_db()
    assert allocation.ends_on is None
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    fill_date(page, "Last day of the allocation", yesterday.isoformat())
    page.get_by_label("Why are you ending it?").fill("Case stepped down to early help today")
    with page.expect_navigation():
        page.get_by_role("button", name="End allocation").click()
    assert "allocation ended" in page.locator("main").inner_text()
    allocation.refresh_from_db()
    assert allocation.ends_on == yesterday
    page.goto("/cases/workload/")
    assert page.locator("#queue-count").inner_text().startswith("1 open case with no allocated")
    assert _no_sideways_scroll(page)
