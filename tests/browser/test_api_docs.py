"""In Chromium: the API reference at /api/v1/docs opens under the strict
Content-Security-Policy, with Swagger UI served from Safekeep's own static files."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_reference_opens_with_its_operations(page: Any, live_server: Any) -> None:
    refused: list[str] = []
    outside: list[str] = []
    page.on("console", lambda message: refused.append(message.text))
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith(live_server.url) or request.url.startswith("data:")
            else outside.append(request.url)
        ),
    )
    response = page.goto(f"{live_server.url}/api/v1/docs")
    assert response is not None and response.ok
    assert "script-src 'self'" in (response.headers.get("content-security-policy") or "")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Safekeep API")
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() >= 3
    assert outside == [], f"the docs page fetched from elsewhere: {outside}"
    assert not [text for text in refused if "Content Security Policy" in text], refused
