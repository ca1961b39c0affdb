import pytest
from django.test import Client


@pytest.mark.django_db
def test_pages_carry_security_headers_and_are_never_cached(client: Client) -> None:
    response = client.get("/", follow=False)
    assert response["Cache-Control"] == "no-store"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
