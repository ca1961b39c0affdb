"""The IG dashboard and reports in Chromium: alerts show, a report runs and errors; axe."""

from __future__ import annotations

import pytest
from django.utils import timezone

from safekeep.audit.writing import Origin, audit_event
from tests.browser.helpers import assert_accessible, browser_sign_in, fill_date
from tests.factories import make_case, make_staff, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ig_dashboard_and_reports_are_usable_and_accessible(page) -> None:
    ig = make_staff(roles=("ig_officer",))
    browser_sign_in(page, make_user(ig))
    nosy = make_staff()
    case = make_case(restricted=True)
    audit_event(
        origin=Origin(actor_staff_id=nosy.staff_id),
        action="case.view",
        decision="refused",
        object_type="case",
        object_id=case.case_id,
        subject_id=case.subject.subject_id,
        reasons=["restricted subject: only allocated workers and IG-approved grants"],
    )

    page.goto("/audit/")
    main = page.inner_text("main")
    assert "1 alert needs review." in main
    assert f"{nosy.full_name} (Practitioner, {nosy.team.name}): refused access to case " in main
    assert_accessible(page)

    page.get_by_role("link", name="Refusals", exact=True).click()
    fill_date(page, "From", "2026-13-01")
    page.get_by_role("button", name="Show entries").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "There is a problem" in summary and "The start date must be a real date" in summary
    assert "Enter the end date" in summary
    assert_accessible(page)

    today = timezone.localdate().isoformat()
    fill_date(page, "From", today)
    fill_date(page, "To", today)
    page.get_by_role("button", name="Show entries").click()
    assert "Restricted subject: only allocated workers" in page.inner_text("main")
    assert_accessible(page)

    page.get_by_role("link", name="Back to information governance").click()
    page.get_by_role("link", name="Who has accessed a subject's records").click()
    page.get_by_label("Subject ID").fill(case.subject.subject_id)
    page.get_by_role("button", name="Show entries").click()
    assert "1 entry" in page.inner_text("main")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download all as CSV").click()
    assert download.value.suggested_filename == "audit-subject.csv"
    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page)
