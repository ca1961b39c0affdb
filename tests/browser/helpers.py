"""Helpers for real-browser tests: an axe accessibility check, and signing in through the
real pages with a real TOTP code.

    from tests.browser.helpers import assert_accessible, browser_sign_in

    @pytest.mark.browser
    @pytest.mark.django_db(transaction=True)
    def test_something(page):
        user = make_user(make_staff())
        browser_sign_in(page, user)
        page.goto("/cases/")
        assert_accessible(page)
"""

from __future__ import annotations

import base64
import os
import re
import time
from pathlib import Path
from typing import Any

from django_otp.oath import hotp

from safekeep.accounts.models import AuthenticatorApp, User
from safekeep.devices.conf import DEVICE_COOKIE
from safekeep.devices.models import Device
from tests.factories import PASSWORD, device_token

_axe: Any = None


def assert_accessible(page: Any) -> None:
    """Fails with axe's report if the page in front of the browser has any violation."""
    global _axe
    from axe_playwright_python.sync_playwright import Axe

    if _axe is None:
        _axe = Axe()
    results = _axe.run(page)
    assert results.violations_count == 0, results.generate_report()


def totp_code(key: bytes, *, step: int = 30, digits: int = 6, after_t: int = -1) -> str:
    """The code an authenticator app shows now for this key.

    A code is accepted only once (django-otp refuses a time step at or before the last one
    used), so when a test signs the same person in twice within 30 seconds this returns the
    next step's code, which is still inside the accepted tolerance.
    """
    t = max(int(time.time()) // step, after_t + 1)
    return str(hotp(key, t, digits)).zfill(digits)


def device_code(device: AuthenticatorApp) -> str:
    """The next acceptable code for a stored device."""
    device.refresh_from_db()
    return totp_code(device.bin_key, step=device.step, digits=device.digits, after_t=device.last_t)


def browser_sign_in(page: Any, user: User, *, password: str = PASSWORD) -> None:
    """Signs `user` in through the real sign-in pages, enrolling an app if they have none.

    Enrolment reads the setup key shown on the page, as a person typing it into an app would.
    """
    page.goto("/account/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/account/sign-in/(code|set-up-app)/"))
    if "/set-up-app/" in page.url:
        page.get_by_text("I cannot scan the QR code").click()
        secret = page.locator("#setup-key").inner_text().replace(" ", "").strip()
        key = base64.b32decode(secret)
        page.get_by_label("Code from your authenticator app").fill(totp_code(key))
        page.get_by_role("button", name="Finish setting up").click()
    else:
        device = AuthenticatorApp.objects.get(user=user, confirmed=True)
        page.get_by_label("Code from your authenticator app").fill(device_code(device))
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/account/sign-in" not in url, timeout=10_000)


def browser_use_device(page: Any, live_server_url: str, device: Device) -> None:
    """Make the browser carry an enrolled credential for `device`, as enrolment would."""
    page.context.add_cookies(
        [
            {
                "name": DEVICE_COOKIE,
                "value": device_token(device),
                "url": live_server_url,
                "httpOnly": True,
            }
        ]
    )


def shoot(page: Any, name: str) -> None:
    """Screenshots of the page at a phone's and a desktop's width into SAFEKEEP_SCREENSHOTS
    (nothing when it is not set), each checked to be no wider than its screen; the page is
    left at the desktop width."""
    folder = os.environ.get("SAFEKEEP_SCREENSHOTS")
    if not folder:
        return
    for label, size in (
        ("phone", {"width": 375, "height": 900}),
        ("desktop", {"width": 1280, "height": 900}),
    ):
        page.set_viewport_size(size)
        page.screenshot(path=str(Path(folder) / f"{name}-{label}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"], name
    page.set_viewport_size({"width": 1280, "height": 900})


def fill_date(page: Any, legend: str, day: object) -> None:
    """Type a date into the GOV.UK date input whose legend is `legend`, box by box, as a
    person would: `day` is a date or an ISO-shaped text (which may be no real date,
    e.g. "2026-13-01")."""
    year, month, date = str(day).split("-")
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(date.lstrip("0"))
    group.get_by_label("Month").fill(month.lstrip("0"))
    group.get_by_label("Year").fill(year)
