"""The issue's walk-through in Chromium: the FOI officer logs the seed's request (received
11 February 2020, its seven questions), has them pre-answered from the council's live data,
records the response and reads the letter: due 10 March 2020, a review asked for by 23 April
2020, both in working days. axe on every page, at a phone's width and a desk's."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from safekeep.governance.foi.questions import QUESTIONS
from tests.browser.helpers import assert_accessible, browser_sign_in, fill_date
from tests.devices.helpers import make_device
from tests.factories import make_staff, make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SAFEKEEP_SCREENSHOTS", "")


def _shot(page, name: str) -> None:
    """Screenshots to look at, when SAFEKEEP_SCREENSHOTS names a folder."""
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_the_officer_logs_the_seed_request_and_produces_its_letter(page) -> None:
    family = make_team("Early Help")
    ann = make_staff(team=family, start_date=dt.date(2019, 4, 1))
    make_device(asset_tag="LAP-1", assigned_staff=ann)
    officer = make_staff(roles=("foi_officer",), works_with_vulnerable_people=False)
    browser_sign_in(page, make_user(officer))

    page.goto("/")
    page.get_by_role("link", name="FOI requests").first.click()
    page.get_by_role("link", name="Log a request").click()
    fill_date(page, "Date received", "2020-02-11")
    page.get_by_label("Reference").fill("6073489")
    page.get_by_label("Requester's name").fill("A. Researcher")
    page.get_by_label("How to reply to them").fill("researcher@example.org")
    page.get_by_label("The questions, in the order asked").fill(
        "\n\n".join(f"{q.number}. {q.text}" for q in QUESTIONS)
    )
    assert_accessible(page)
    page.get_by_role("button", name="Log the request").click()

    assert "Request 6073489 logged" in page.inner_text("main")
    assert page.inner_text("#foi-due") == "10 March 2020"
    fill_date(page, "Figures as at", "2020-02-24")
    page.get_by_role("button", name="Pre-fill answers").click()
    main = page.inner_text("main")
    assert "7 answers pre-filled from Safekeep's records" in main
    assert main.count("Pre-filled from Safekeep's records") == 7  # one tag per question
    assert page.get_by_label("Answer").first.input_value() == "Total = 1, 1 is in Family Services"
    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page)
    _shot(page, "foi-request-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    _shot(page, "foi-request-desktop")

    fill_date(page, "Date of the response", "2020-02-24")
    page.get_by_label("Publish it in the disclosure log").check()
    page.get_by_role("button", name="Record the response").click()
    assert page.inner_text("#foi-status") == "Responded"
    assert page.inner_text("#foi-review-by") == "23 April 2020 (40 working days)"
    assert_accessible(page)

    page.get_by_role("link", name="Read the letter").click()
    letter = page.inner_text("body")
    assert page.inner_text("#letter-date") == "24 February 2020"
    assert "Thank you for your request received on 11 February 2020" in letter
    assert "Total = 1, 1 is in Family Services" in letter
    assert "that is by 23 April 2020" in page.inner_text("#letter-review")
    # The letter's own styles apply under the strict CSP (allowed by their hash, not inline).
    answer_rule = "getComputedStyle(document.querySelector('.app-letter-answer')).borderLeftWidth"
    assert page.evaluate(answer_rule) == "4px"
    _shot(page, "foi-letter")

    page.goto("/governance/foi/requests/")
    main = page.inner_text("main")
    assert "6073489" in main and "100% (1 of 1)" in main
    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page)
    _shot(page, "foi-register-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    _shot(page, "foi-register-desktop")
