"""A real OpenID Provider for the council sign-in tests: the npm `oidc-provider` package run
by tests/oidc_provider/provider.mjs on a free local port, started and stopped by the tests.

Installed by the project's own set-up (`make install` runs `npm ci`, like govuk-frontend).
Where node or the package is missing the tests are skipped with a plain message, and with
SAFEKEEP_REQUIRE_OIDC=1 (CI) that is an error instead.

`CouncilProvider.sign_in_http` drives the provider's own pages over HTTP, as a browser would,
for the tests that check each refusal without a browser: they still meet the real
authorisation, token and key endpoints.
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess  # nosec B404 # starts the test's own provider
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

OIDC_REQUIRED = os.environ.get("SAFEKEEP_REQUIRE_OIDC") == "1"
ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("provider.mjs")
SKIP_MESSAGE = (
    "OIDC tests skipped: node or the npm package oidc-provider was not found. Install "
    "Node.js 20 or later and run `make install` (it runs `npm ci`) to run them."
)
CLIENT_ID = "safekeep-tests"
CLIENT_SECRET = "a-client-secret-for-the-tests-only"  # nosec B105 # the test provider's
CALLBACK = "/account/sign-in/council/done/"
START_SECONDS = 20


def missing() -> str:
    """Why the OIDC tests cannot run here ("" when they can)."""
    if shutil.which("node") is None:
        return SKIP_MESSAGE
    if not (ROOT / "node_modules" / "oidc-provider" / "package.json").exists():
        return SKIP_MESSAGE
    return ""


@dataclass(frozen=True)
class CouncilProvider:
    issuer: str
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET

    def tamper(self, mode: str) -> None:
        """Makes the next ID token wrong in one way (provider.mjs lists the modes)."""
        requests.post(f"{self.issuer}/_test/tamper", data={"mode": mode}, timeout=5)

    def sign_in_http(
        self, authorize_url: str, *, email: str, mfa: bool = True, hours_ago: float = 0
    ) -> str:
        """Signs in at the provider's pages (authorise, its sign-in form, resume) and returns
        the address it sends the browser back to (Safekeep's callback, with code and state)."""
        browser = requests.Session()
        url = authorize_url
        form_sent = False
        for _ in range(10):
            response = browser.get(url, allow_redirects=False, timeout=5)
            if response.status_code == 200 and "/interaction/" in url and not form_sent:
                response = browser.post(
                    url,
                    data={"email": email, "mfa": "yes" if mfa else "", "hours_ago": hours_ago},
                    allow_redirects=False,
                    timeout=5,
                )
                form_sent = True
            if response.status_code not in (302, 303):
                raise AssertionError(f"the provider answered {response.status_code} at {url}")
            url = urljoin(url, response.headers["Location"])
            if not url.startswith(self.issuer):
                return url
        raise AssertionError("the provider never sent the browser back")


def _reader(stream: object, lines: queue.Queue[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        lines.put(line)


@contextmanager
def council_provider(redirect_bases: list[str]) -> Iterator[CouncilProvider]:
    """The provider, with Safekeep's callback and sign-in page registered at each base URL."""
    env = {
        **os.environ,
        "OP_PORT": "0",
        "OP_CLIENT_ID": CLIENT_ID,
        "OP_CLIENT_SECRET": CLIENT_SECRET,
        "OP_REDIRECT_URIS": " ".join(base + CALLBACK for base in redirect_bases),
        "OP_POST_LOGOUT_REDIRECT_URIS": " ".join(
            base + "/account/sign-in/" for base in redirect_bases
        ),
    }
    process = subprocess.Popen(  # noqa: S603  # nosec B603 # fixed arguments
        ["node", str(SCRIPT)],  # noqa: S607
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_reader, args=(process.stdout, lines), daemon=True).start()
    seen: list[str] = []
    try:
        while True:
            try:
                line = lines.get(timeout=START_SECONDS)
            except queue.Empty:
                raise RuntimeError(
                    "OIDC tests skipped: the test provider did not start: " + "".join(seen)
                ) from None
            seen.append(line)
            if line.startswith("listening "):
                issuer = line.split(" ", 1)[1].strip()
                break
            if process.poll() is not None:
                raise RuntimeError(
                    "OIDC tests skipped: the test provider stopped: " + "".join(seen)
                )
        yield CouncilProvider(issuer=issuer)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()


def callback_path(url: str) -> str:
    """Safekeep's callback address without its scheme and host (for the test client)."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"
