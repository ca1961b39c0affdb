"""Thin page views shared by every part of the service: start page and error pages.

Error pages never show exception text; a `Refused` (web/errors.py) carries words meant
for the person and only those are shown.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader

from safekeep.web.context_processors import person_roles
from safekeep.web.decorators import verified_staff_required
from safekeep.web.errors import Refused
from safekeep.web.start_pages import start_sections


@verified_staff_required
def start(request: HttpRequest) -> HttpResponse:
    sections = start_sections(person_roles(request))
    return render(request, "web/start.html", {"page_title": "Home", "sections": sections})


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {"title": title, "message": message, "page_title": title},
        status=status,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request, 400, "Sorry, there is a problem with your request", "Check it and try again."
    )


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = "You do not have permission to do that."
    if isinstance(exception, Refused) and exception.reasons:
        message = " ".join(exception.reasons)
    return _error(request, 403, "You cannot do that", message)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request, 404, "Page not found", "If you typed the web address, check it is correct."
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request context: the fault may be in the database or a session."""
    title = "Sorry, there is a problem with the service"
    html = loader.get_template("web/error.html").render(
        {"title": title, "page_title": title, "message": "Try again later."}
    )
    return HttpResponse(html, status=500)
