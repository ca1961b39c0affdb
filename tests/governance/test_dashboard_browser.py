"""The IG officer in Chromium: the dashboard, triaging an alert, finding a person and the
report of who looked at their records; axe on every page, at 375 px and on a desktop.

Screenshots go to $SAFEKEEP_SCREENSHOTS (default: the test's temporary directory).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone

from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import Origin, audit_event
from safekeep.devices.models import DeviceComplaint
from safekeep.records.models import BreakGlass, Case
from safekeep.records.services import subject_create
from tests.browser.helpers import assert_accessible, browser_sign_in
from tests.factories import make_case, make_device, make_staff, make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}


def _council() -> Case:
    """A restricted child's case someone not allocated tried to open, a break-glass use
    waiting, an unencrypted laptop, a month of accesses and a year of complaints."""
    team = make_team("Family Support East")
    nosy = make_staff(team=team, given_name="Nina", family_name="Osei")
    worker = make_staff(team=team, given_name="Sam", family_name="Jones")
    subject = subject_create(
        subject_id="P424242",
        kind="child",
        given_name="Amy",
        family_name="O'Neill",
        date_of_birth=dt.date(2015, 4, 9),
        restricted=True,
    )
    case = Case.objects.create(
        case_id="C424242",
        subject=subject,
        owning_team=team,
        classification="OFFICIAL-SENSITIVE",
        opened_on=dt.date(2025, 1, 1),
    )
    now = timezone.now()
    AuditEntry.objects.bulk_create(  # a month of accesses, for the chart
        AuditEntry(
            occurred_at=now - dt.timedelta(days=days_ago),
            actor_staff_id=worker.staff_id,
            action="case.view",
            object_type="case",
            object_id="C000000",
            decision="allowed" if n else "refused",
        )
        for days_ago in range(30)
        for n in range(days_ago % 4)
    )
    audit_event(
        origin=Origin(actor_staff_id=nosy.staff_id),
        action="case.view",
        decision="refused",
        object_type="case",
        object_id=case.case_id,
        subject_id=subject.subject_id,
        reasons=["restricted subject: only allocated workers and IG-approved grants"],
    )
    BreakGlass.objects.create(
        case=make_case(team=team),
        staff=worker,
        reason="Police called about a missing child at night",
        started_at=now - dt.timedelta(hours=2),
        expires_at=now + dt.timedelta(hours=2),
    )
    make_device(asset_tag="LAP-0042", staff=worker, encrypted="no", on_site=False)
    for month in range(12):
        for _ in range(month % 3):
            DeviceComplaint.objects.create(
                reported_on=timezone.localdate() - dt.timedelta(days=30 * month),
                staff=worker,
                category="device_fault",
                summary="VPN drops",
            )
    return case


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SAFEKEEP_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_ig_officer_triages_an_alert_and_finds_a_person(page, tmp_path: Path) -> None:
    case = _council()
    browser_sign_in(page, make_user(make_staff(roles=("ig_officer",))))
    shots = _shots(tmp_path)

    page.goto("/audit/")
    main = page.locator("main")
    assert "1 alert needs review." in main.inner_text()
    assert "Nina Osei (Practitioner, Family Support East): refused access to case C424242" in (
        main.inner_text()
    )
    assert "1 use of break-glass waits for your review." in main.inner_text()
    assert "LAP-0042" in main.inner_text() and "Sam Jones" in main.inner_text()
    charts = page.locator("svg[role=img]")
    assert charts.count() == 2
    assert page.locator("#section-accesses rect").count() == 30 * 2
    assert page.locator("#section-complaints rect").count() == 12
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(shots / "ig-dashboard-375.png"), full_page=True)
    page.locator("#section-accesses").screenshot(path=str(shots / "ig-chart-375.png"))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(shots / "ig-dashboard-desktop.png"), full_page=True)

    alerts = page.locator("#section-alerts")
    alerts.get_by_role("button", name="Record").click()  # nothing chosen
    assert "Choose acknowledge or dismiss" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    alerts = page.locator("#section-alerts")
    alerts.get_by_label("Acknowledge").check()
    alerts.get_by_label("Note").fill("Asked her manager why.")
    alerts.get_by_role("button", name="Record").click()
    assert "Alert acknowledged" in page.inner_text("main")
    assert "No alert needs review." in page.inner_text("main")
    assert "“Asked her manager why.”" in page.inner_text("#section-alerts")
    assert_accessible(page)
    alerts = page.locator("#section-alerts")
    alerts.get_by_label("Why dismiss it?").fill("Mistyped case id; manager confirmed.")
    alerts.get_by_role("button", name="Dismiss").click()
    assert "Alert dismissed" in page.inner_text("main")
    page.get_by_text("1 dismissed").click()
    assert "“Mistyped case id; manager confirmed.”" in page.inner_text("#section-alerts")
    assert_accessible(page)

    page.get_by_role("link", name="Find a person by name, date of birth or case ID").click()
    page.get_by_label("Name, date of birth or case ID").fill("amy o'neill")
    page.get_by_role("button", name="Search").click()
    assert "1 person found by name" in page.inner_text("main")
    assert "9 April 2015" in page.inner_text("main")
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(shots / "ig-find-a-person-375.png"), full_page=True)
    assert_accessible(page)
    page.set_viewport_size(DESKTOP)

    page.get_by_role("link", name="Who has accessed Amy O'Neill's records").click()
    report = page.inner_text("main")
    assert "About Amy O'Neill, born 9 April 2015." in report
    assert "Nina Osei" in report and "Tried to open the case" in report
    assert "+00:00" not in report
    assert re.search(
        r"\d{1,2} [A-Z][a-z]+ 20\d\d at (\d{1,2}(:\d\d)?[ap]m|midday|midnight)", report
    )
    assert case.case_id in report
    assert_accessible(page)
    page.screenshot(path=str(shots / "ig-subject-report-desktop.png"), full_page=True)
