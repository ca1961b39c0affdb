"""Every API error answers in JSON, `{"detail": ...}`, and every operation declares them.

Errors that happen before or outside an operation (no such address, a method no address
takes, a body too large, a fault on the server) come from Django or the page plumbing as
HTML or text; `JsonErrorsMiddleware` rewrites them for API addresses, keeping a text
message's words. Validation errors (422) are django-ninja's own, a list of problems.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Schema
from pydantic import BaseModel

API_PREFIX = "/api/v1/"
# Addresses under the API's prefix that are pages for people, not the API.
PAGES = frozenset({"api-tokens", "openapi-view"})


class ApiError(Schema):
    detail: str


class InvalidInput(Schema):
    detail: list[dict[str, Any]]


# The errors any operation may answer, as the OpenAPI document declares them.
ERRORS: dict[int | frozenset[int], type[Schema]] = {
    frozenset({400, 401, 404, 405, 413, 500}): ApiError,
    422: InvalidInput,
}

_WORDS = {
    400: "The request could not be understood. Check it against the API document "
    "(/api/v1/openapi.json) and try again.",
    401: "Send a valid API token: Authorization: Bearer <token>.",
    403: "You do not have permission to do that.",
    404: "There is nothing at this address. The API document (/api/v1/openapi.json) "
    "lists the addresses.",
    405: "This address does not accept that method.",
    413: "What you sent is too large.",
}


def responses(
    codes: dict[int, type[BaseModel]],
) -> dict[int | frozenset[int], type[BaseModel]]:
    """An operation's own answers, and the errors every operation may give."""
    answers: dict[int | frozenset[int], type[BaseModel]] = dict(ERRORS)
    for code, schema in codes.items():
        answers[code] = schema
    return answers


def _detail(request: HttpRequest, response: HttpResponse) -> str:
    if response.status_code >= 500:
        return (
            "Something went wrong on our side. Try again later; if it keeps happening, "
            f"give IT support this request id: {getattr(request, 'request_id', '')}."
        )
    if response.get("Content-Type", "").startswith("text/plain") and response.content:
        return response.content.decode()
    return _WORDS.get(response.status_code, "The request could not be completed.")


def _is_api(request: HttpRequest) -> bool:
    match = request.resolver_match
    return request.path.startswith(API_PREFIX) and (match is None or match.url_name not in PAGES)


class JsonErrorsMiddleware:
    """Rewrites an error that is not JSON, at an API address, as `{"detail": ...}`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not _is_api(request)
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        answer = JsonResponse({"detail": _detail(request, response)}, status=response.status_code)
        for header in ("Allow", "Retry-After"):
            if header in response:
                answer[header] = response[header]
        return answer
