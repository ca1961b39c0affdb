import pytest
from django.test import Client


@pytest.mark.django_db
def test_pages_carry_security_headers_and_are_never_cached(client: Client) -> None:
    response = client.get("/", follow=False)
    assert response["Cache-Control"] == "no-store"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_sign_in_page_headers_and_no_inline_script_or_style(client: Client) -> None:
    import re

    response = client.get("/account/sign-in/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert " style=" not in html and "<style" not in html, "inline style"
    assert 'autocomplete="current-password"' in html
