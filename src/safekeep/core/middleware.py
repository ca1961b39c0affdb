"""Request-wide safety: a request id for the audit trail, and the headers every page carries."""

from __future__ import annotations

import base64
import hashlib
import re
import uuid
from collections.abc import Callable

import structlog
from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


_STYLE_BLOCK = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def self_styled_policy(html: str) -> str:
    """The strict policy, letting through only the <style> blocks of this very document.

    A letter is one self-contained file (the same HTML becomes its PDF), so its styles sit
    in the page; each block is allowed by its hash, so nothing injected into it would be.
    """
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(block.encode()).digest()).decode() + "'"
        for block in _STYLE_BLOCK.findall(html)
    )
    return CONTENT_SECURITY_POLICY.replace("style-src 'self'", f"style-src 'self' {hashes}")


class RequestIdMiddleware:
    """Gives each request an id that log lines and audit entries share."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            response = self.get_response(request)
        finally:
            structlog.contextvars.unbind_contextvars("request_id")
        response["X-Request-Id"] = request_id
        return response


class SecurityHeadersMiddleware:
    """A strict Content-Security-Policy everywhere; no caching of anything personal.

    Every page behind sign-in may show personal data, so it is never stored by the browser
    or a proxy. Static assets are left to WhiteNoise's long-lived caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if not request.path.startswith("/assets/"):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response
