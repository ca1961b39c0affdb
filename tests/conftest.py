"""Shared test set-up: a real database (SQLite, or PostgreSQL by DATABASE_URL), a real browser."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("SAFEKEEP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
BROWSER_REQUIRED = os.environ.get("SAFEKEEP_REQUIRE_BROWSER") == "1"
SKIP_MESSAGE = (
    f"browser tests skipped: Chromium not found at {CHROMIUM}. "
    "Install Debian's chromium (sudo apt-get install chromium) to run them."
)

# Playwright's sync API runs an event loop in the test thread; the live server's database
# work happens in its own thread, so this only silences Django's guard for the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

_skipped_browser_tests: list[str] = []
_skipped_cups_tests: list[str] = []
_skipped_oidc_tests: list[str] = []


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Real argon2id, with small costs: sign-in tests hash many passwords."""
    settings.PASSWORD_HASHERS = ["tests.hashers.FastArgon2PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_scheduled_checkpoints(settings: Any) -> None:
    """Tests count audit entries exactly; the scheduled-checkpoint tests switch it on."""
    settings.SAFEKEEP_AUDIT_CHECKPOINT_MINUTES = 0


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Any]:
    """A real SMTP server on a free loopback port (tests/smtp.py), and Safekeep's email
    going to it through Django's SMTP backend."""
    from tests.smtp import SmtpServer

    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
    settings.DEFAULT_FROM_EMAIL = "safekeep@council.example"
    settings.SAFEKEEP_BASE_URL = "https://safekeep.council.example"
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        if BROWSER_REQUIRED:
            pytest.fail(f"{SKIP_MESSAGE} (SAFEKEEP_REQUIRE_BROWSER=1 makes this an error)")
        pytest.skip(SKIP_MESSAGE)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def cups() -> Iterator[Any]:
    """A real CUPS server with a PDF printer (tests/cups.py); skipped where CUPS is not
    installed, an error with SAFEKEEP_REQUIRE_CUPS=1 (CI)."""
    from tests.cups import CUPS_REQUIRED, cups_server, missing

    why = missing()
    if why:
        if CUPS_REQUIRED:
            pytest.fail(f"{why} (SAFEKEEP_REQUIRE_CUPS=1 makes this an error)")
        pytest.skip(why)
    with cups_server() as server:
        yield server


@pytest.fixture(scope="session")
def council_provider(live_server: Any) -> Iterator[Any]:
    """A real OpenID Provider (tests/oidc_provider/harness.py); skipped where node or the npm
    package is missing, an error with SAFEKEEP_REQUIRE_OIDC=1 (CI)."""
    from tests.oidc_provider.harness import OIDC_REQUIRED, council_provider, missing

    why = missing()
    if why:
        if OIDC_REQUIRED:
            pytest.fail(f"{why} (SAFEKEEP_REQUIRE_OIDC=1 makes this an error)")
        pytest.skip(why)
    try:
        with council_provider([live_server.url, "http://testserver"]) as provider:
            yield provider
    except RuntimeError as exc:
        if OIDC_REQUIRED:
            pytest.fail(f"{exc} (SAFEKEEP_REQUIRE_OIDC=1 makes this an error)")
        pytest.skip(str(exc))


@pytest.fixture
def page(browser: Any, live_server: Any, settings: Any) -> Iterator[Any]:
    """A browser tab on the live server, with the stylesheets it serves.

    The live server answers /assets/ from the static finders, which know files by their
    own names, not by the hashed names of the manifest storage: pages name them plainly
    here, or every browser test (and axe's colour checks) would run without any CSS."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    context = browser.new_context(base_url=live_server.url)
    opened = context.new_page()
    yield opened
    context.close()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if (
        report.skipped
        and isinstance(report.longrepr, tuple)
        and "browser tests skipped" in str(report.longrepr[2])
    ):
        _skipped_browser_tests.append(report.nodeid)
    if (
        report.skipped
        and isinstance(report.longrepr, tuple)
        and "CUPS tests skipped" in str(report.longrepr[2])
    ):
        _skipped_cups_tests.append(report.nodeid)
    if (
        report.skipped
        and isinstance(report.longrepr, tuple)
        and "OIDC tests skipped" in str(report.longrepr[2])
    ):
        _skipped_oidc_tests.append(report.nodeid)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _skipped_browser_tests:
        terminalreporter.write_line("")
        terminalreporter.write_line(
            f"NOTE: {len(_skipped_browser_tests)} {SKIP_MESSAGE}", yellow=True, bold=True
        )
    if _skipped_cups_tests:
        terminalreporter.write_line("")
        terminalreporter.write_line(
            f"NOTE: {len(_skipped_cups_tests)} CUPS tests skipped (see tests/cups.py)",
            yellow=True,
            bold=True,
        )
    if _skipped_oidc_tests:
        terminalreporter.write_line("")
        terminalreporter.write_line(
            f"NOTE: {len(_skipped_oidc_tests)} OIDC tests skipped (see tests/oidc_provider/)",
            yellow=True,
            bold=True,
        )
