"""Error pages are GOV.UK-styled and never show exception text."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.web.error_urls import SECRET

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.web.error_urls")]


def test_404_page(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in html
    assert "govuk-template" in html


def test_500_page_hides_the_exception(client: Client) -> None:
    client.raise_request_exception = False
    response = client.get("/test/explode/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    assert SECRET not in html and "RuntimeError" not in html


def test_403_page_hides_plain_exception_text(client: Client) -> None:
    response = client.get("/test/deny/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "You do not have permission to do that." in html
    assert SECRET not in html


def test_refused_says_why_in_plain_words(client: Client) -> None:
    response = client.get("/test/refuse/")
    assert response.status_code == 403
    assert (
        "You are not allocated to this case. Ask your team manager for access."
        in response.content.decode()
    )


def test_400_page() -> None:
    from django.test import RequestFactory

    from safekeep.web.views import bad_request

    response = bad_request(RequestFactory().get("/"))
    assert response.status_code == 400
    assert "Sorry, there is a problem with your request" in response.content.decode()
