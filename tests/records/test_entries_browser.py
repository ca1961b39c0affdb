"""A practitioner on a phone opens today's visit from the caseload, reads the alerts, writes
up the home visit with the time it happened, loses the connection mid-typing, gets the
draft back, posts it and finds it in the chronology; a manager closes the case. Real
browser, axe on each page, no sideways scroll at 320 px, and screenshots at 320 and
1280 px (SAFEKEEP_SCREENSHOTS=dir)."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.utils import timezone

from safekeep.access.vocabulary import Action
from safekeep.records import services
from safekeep.records.details import PersonDetails
from safekeep.records.models import Entry, EntryDraft
from tests.browser.helpers import assert_accessible, browser_sign_in, browser_use_device
from tests.factories import (
    case_access,
    make_case,
    make_device,
    make_staff,
    make_team,
    make_user,
)

SHOTS = os.environ.get("SAFEKEEP_SCREENSHOTS", "")
PHONE = {"width": 320, "height": 700}
DESK = {"width": 1280, "height": 900}


def fits(page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_home_visit_on_a_phone_from_the_caseload_to_the_chronology(page, live_server):
    """The practitioner's home visit on a 320 px phone: today's visit opened from the
    caseload, the alerts read first, the note written with its contact time, the connection
    lost mid-typing, the draft back on a new page and posted, then found in the chronology."""
    team = make_team("Visits Team")
    worker = make_staff(team=team)
    case = make_case(team=team, allocated=(worker,))
    services.person_details_set(
        access=case_access(worker, case, Action.EDIT),
        details=PersonDetails(
            address="12 Canal Street\nMillbrook", alerts=("Risk to lone workers: visit in pairs",)
        ),
    )
    page.set_viewport_size(PHONE)
    phone = make_device(device_type="smartphone", staff=worker, os_name="Android", os_version="14")
    browser_use_device(page, live_server.url, phone)
    browser_sign_in(page, make_user(worker))
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    # Today's visit, from the caseload; the alerts are the first thing on the record.
    page.goto("/cases/")
    assert fits(page)
    with page.expect_navigation():
        page.locator("#cases").get_by_role("link", name=case.case_id).click()
    alerts = page.get_by_role("region", name="Alerts")
    assert "Risk to lone workers: visit in pairs" in alerts.inner_text()
    record = page.locator(".govuk-summary-list").first
    assert alerts.bounding_box()["y"] < record.bounding_box()["y"]
    assert fits(page)
    assert_accessible(page)
    shot(page, "case-alerts-320")

    with page.expect_navigation():
        page.get_by_role("link", name="Add an entry").click()
    assert fits(page)
    assert_accessible(page)
    page.get_by_label("Home visit").check()
    date = page.get_by_role("group", name="Date of contact")
    date.get_by_label("Day").fill(str(yesterday.day))
    date.get_by_label("Month").fill(str(yesterday.month))
    date.get_by_label("Year").fill(str(yesterday.year))
    page.get_by_label("Time of contact").fill("4:15pm")
    page.get_by_label("Who was seen").fill("Jordan (child), Ms Taylor (mother)")
    page.get_by_label("Title").fill("Home visit after school")
    page.get_by_label("What happened").fill("Jordan showed me his room.")
    page.get_by_label("Significant event").check()
    status = page.locator("#draft-status")
    status.get_by_text("Draft saved at").wait_for(timeout=15_000)
    shot(page, "entry-form-320")

    # The signal goes in the stairwell, mid-sentence: the page says so and keeps trying.
    page.context.set_offline(True)
    page.get_by_label("What happened").fill("Jordan showed me his room. Food in the cupboards")
    status.get_by_text("could not be saved").wait_for(timeout=15_000)
    shot(page, "draft-offline-320")
    page.context.set_offline(False)
    status.get_by_text("Draft saved at").wait_for(timeout=15_000)  # back online: saved

    # A new page (after a time-out, say): the draft is back, to its last words, and posted.
    page.goto(f"/cases/{case.case_id}/entries/add/")
    assert "Your draft from" in page.locator("#draft-kept").inner_text()
    assert page.get_by_label("What happened").input_value().endswith("Food in the cupboards")
    assert page.get_by_label("Home visit").is_checked()
    assert page.get_by_label("Time of contact").input_value() == "4:15pm"
    assert page.get_by_label("Significant event").is_checked()
    assert fits(page)
    assert_accessible(page)
    shot(page, "draft-back-320")
    with page.expect_navigation():
        page.get_by_role("button", name="Save entry").click()
    assert "Entry added" in page.locator("main").inner_text()
    entry = Entry.objects.get(case=case)
    assert timezone.localtime(entry.contact_at).replace(tzinfo=None) == dt.datetime.combine(
        yesterday, dt.time(16, 15)
    )
    when = f"{yesterday:%-d %B %Y} at 4:15pm"
    assert f"Home visit on {when}" in page.locator(f"#entry-{entry.pk}").inner_text()
    assert not EntryDraft.objects.filter(case=case).exists()

    with page.expect_navigation():
        page.get_by_role("link", name="Chronology").click()
    item = page.locator(f"#chronology-{entry.pk}")
    assert when in item.inner_text()
    assert "Home visit: Home visit after school" in item.inner_text()
    assert "Seen: Jordan (child), Ms Taylor (mother)" in item.inner_text()
    assert fits(page)
    assert_accessible(page)
    page.get_by_text("Filter the chronology").click()
    assert fits(page)
    assert_accessible(page)
    shot(page, "chronology-320")
    page.set_viewport_size(DESK)
    shot(page, "chronology-1280")

    # Only calls: the visit is filtered out, and the page says what it shows.
    page.get_by_label("Every entry").check()
    page.get_by_label("Phone call").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    assert page.locator(f"#chronology-{entry.pk}").count() == 0
    assert "Every entry (phone call only)" in page.locator("main").inner_text()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_closes_the_case_and_it_shows_as_closed(page, live_server):
    team = make_team("Closing Team")
    manager = make_staff(team=team, roles=("team_manager",))
    case = make_case(team=team)
    page.set_viewport_size(PHONE)
    laptop = make_device(staff=manager)
    browser_use_device(page, live_server.url, laptop)
    browser_sign_in(page, make_user(manager))

    page.goto(f"/cases/{case.case_id}/closure/")
    assert fits(page)
    assert_accessible(page)
    page.get_by_label("Moved out of the area").check()
    page.get_by_label("More about why").fill("The family moved to another council")
    shot(page, "close-form-320")
    with page.expect_navigation():
        page.get_by_role("button", name="Close the case").click()
    closed = page.locator("#case-closed").inner_text()
    assert "This case was closed on" in closed and "moved out of the area" in closed
    assert page.get_by_role("link", name="Add an entry").count() == 0
    assert fits(page)
    assert_accessible(page)
    shot(page, "case-closed-320")
    page.set_viewport_size(DESK)
    shot(page, "case-closed-1280")
