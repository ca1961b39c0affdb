"""Thin page views shared by every part of the service: start page and error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def start(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:sign-in")
    return render(request, "web/start.html")


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(request, "web/error.html", {"title": title, "message": message}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request, 400, "Sorry, there is a problem with your request", "Check it and try again."
    )


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "You cannot do that", "You do not have permission to do that.")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request, 404, "Page not found", "If you typed the web address, check it is correct."
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, "Sorry, there is a problem with the service", "Try again later.")
