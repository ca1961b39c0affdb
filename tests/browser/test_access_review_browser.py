"""In Chromium: a team manager completes the quarter's access review of their team. They
confirm one person, end another's allocation (who is then refused the case), and cannot
review themself. Screenshots at 375 px and 1280 px go to SAFEKEEP_SCREENSHOTS when set."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safekeep.access.door import AccessRefused
from safekeep.access.vocabulary import Action
from safekeep.audit.models import AuditEntry
from safekeep.reviews.models import AccessReview
from safekeep.reviews.services import quarter_open
from tests.browser.helpers import (
    assert_accessible,
    browser_sign_in,
    browser_use_device,
    fill_date,
    shoot,
)
from tests.factories import (
    TEST_ORIGIN,
    case_access,
    make_case,
    make_device,
    make_risk_assessment,
    make_staff,
    make_team,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_team_manager_completes_the_quarterly_review(page: Any, live_server: Any) -> None:
    team = make_team("Early Help East")
    manager = make_staff(team=team, given_name="Mo", family_name="Lead", roles=("team_manager",))
    kept = make_staff(team=team, given_name="Kit", family_name="Stays")
    moved_on = make_staff(team=team, given_name="Ray", family_name="Moves")
    case = make_case(team=team, allocated=(kept, moved_on))
    quarter_open(now=timezone.now(), origin=TEST_ORIGIN)

    browser_use_device(page, live_server.url, make_device(staff=manager))
    browser_sign_in(page, make_user(manager))
    page.get_by_role("navigation").get_by_role("link", name="Access reviews").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Access reviews")
    expect(page.get_by_text("(you: reviewed by someone else)")).to_be_visible()
    expect(page.get_by_role("link", name="Review Mo Lead")).to_have_count(0)
    assert_accessible(page)
    shoot(page, "reviews-open")

    page.get_by_role("link", name="Review Kit Stays").click()
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose whether to confirm, change or remove the access"
    )
    assert_accessible(page)
    page.get_by_label("Confirm it: this access is still right").check()
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your review of Kit Stays is recorded."
    )

    page.get_by_role("link", name="Review Ray Moves").click()
    expect(page.get_by_text(f"case {case.case_id} as allocated worker")).to_be_visible()
    shoot(page, "review-form")
    page.get_by_label("Change it: end what I tick below").check()
    page.get_by_label(f"Ray Moves: case {case.case_id} as allocated worker").check()
    page.get_by_label("Note (optional)").fill("Moved to the duty desk")
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Ray Moves")
    rows = page.locator("tbody tr")
    expect(rows.filter(has_text="Kit Stays")).to_contain_text("Confirmed by Mo Lead")
    expect(rows.filter(has_text="Ray Moves")).to_contain_text("Changed by Mo Lead")
    assert_accessible(page)
    shoot(page, "reviews-done")

    with pytest.raises(AccessRefused):
        case_access(moved_on, case, Action.VIEW, change=False)
    case_access(kept, case, Action.VIEW, change=False)
    assert AccessReview.objects.filter(outcome="open").count() == 1  # the manager's own
    assert AuditEntry.objects.filter(action="access_review.confirmed").count() == 1
    changed = AuditEntry.objects.get(action="access_review.changed")
    assert "note: Moved to the duty desk" in changed.reasons


def test_a_volunteer_manager_records_an_assessment_due_soon_flagged(
    page: Any, live_server: Any
) -> None:
    team = make_team("Riverside Centre")
    manager = make_staff(
        team=team, given_name="Vic", family_name="Lead", roles=("volunteer_manager",)
    )
    volunteer = make_staff(
        team=team, given_name="Ana", family_name="Helper", employment_type="volunteer"
    )
    case = make_case(team=team, allocated=(volunteer,))
    today = timezone.localdate()
    make_risk_assessment(
        volunteer,
        team=team,
        assessed_on=today - dt.timedelta(days=360),
        review_due=today + dt.timedelta(days=5),
    )
    browser_sign_in(page, make_user(manager))
    page.get_by_role("navigation").get_by_role("link", name="Volunteers' assessments").click()
    expect(page.locator("tbody tr").filter(has_text="Ana Helper")).to_contain_text(
        "Review due soon"
    )
    assert_accessible(page)
    shoot(page, "assessments-due")

    page.get_by_role("link", name="Ana Helper").click()
    page.get_by_label("Refused: they may see no records").check()
    page.get_by_label("OFFICIAL", exact=True).check()
    fill_date(page, "Review date", (today + dt.timedelta(days=200)).isoformat())
    shoot(page, "assessment-form")
    page.get_by_role("button", name="Record the assessment").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Ana Helper's risk assessment is recorded."
    )
    expect(page.locator("tbody tr").filter(has_text="Ana Helper")).to_contain_text("Refused")
    assert_accessible(page)
    with pytest.raises(AccessRefused):  # the refused assessment now decides, at once
        case_access(volunteer, case, Action.VIEW, change=False)
