"""The FOI officer in Chromium: from the start page to the answers, a past day, a mistyped
date, each download; axe on every state, on a phone's width and a desk's."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.utils import timezone

from safekeep.audit.models import AuditEntry
from tests.browser.helpers import assert_accessible, browser_sign_in
from tests.devices.helpers import make_device
from tests.factories import make_staff, make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_foi_officer_answers_from_the_page_and_downloads_the_letter(page) -> None:
    family, adults = make_team("Early Help"), make_team("Reablement", "Adults and Health")
    ann = make_staff(team=family)
    make_staff(team=adults, end_date=timezone.localdate() - dt.timedelta(days=20))  # left
    make_device(asset_tag="LAP-1", assigned_staff=ann)
    officer = make_staff(roles=("foi_officer",), works_with_vulnerable_people=False)
    browser_sign_in(page, make_user(officer))

    page.goto("/")
    assert "There is nothing to do here yet" not in page.inner_text("main")
    page.get_by_role("link", name="FOI report").first.click()
    main = page.inner_text("main")
    assert "Total = 1, 1 is in Family Services" in main
    assert "Yes, staff have access to these: laptop computer." in main
    assert "not held" not in main
    assert_accessible(page)

    month_ago = timezone.localdate() - dt.timedelta(days=30)
    page.get_by_label("Day").fill(str(month_ago.day))
    page.get_by_label("Month").fill(str(month_ago.month))
    page.get_by_label("Year").fill(str(month_ago.year))
    page.get_by_role("button", name="Show the answers").click()
    main = page.inner_text("main")
    assert "Total = 2, 1 is in Adults and Health and 1 is in Family Services" in main
    assert_accessible(page)

    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_role("button", name="Show the answers").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "There is a problem" in summary and "The date must be a real date" in summary
    assert_accessible(page)

    page.get_by_label("Day").fill("")
    page.get_by_label("Month").fill("")
    page.get_by_label("Year").fill("")
    page.get_by_role("button", name="Show the answers").click()
    today = timezone.localdate().isoformat()
    for label, suffix, starts in [
        ("Response letter (PDF)", "pdf", b"%PDF-"),
        ("Response letter (HTML)", "html", b"<!DOCTYPE html>"),
        ("Figures (CSV)", "csv", b"as_of,question,field,value"),
        ("Figures (JSON)", "json", b"{"),
    ]:
        with page.expect_download() as download:
            page.get_by_role("link", name=label).click()
        assert download.value.suggested_filename == f"foi-report-{today}.{suffix}"
        content = Path(download.value.path()).read_bytes()
        assert content.startswith(starts)
    assert json.loads(content)["q1a"]["total"] == 1
    assert [e.reasons[1] for e in AuditEntry.objects.filter(action="foi.report")] == [
        "format=page",
        "format=page",
        "format=page",
        "format=pdf",
        "format=html",
        "format=csv",
        "format=json",
    ]

    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page)
