"""One request, one unwrapping of each record's data key (`envelope.request_keys`)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from safekeep.crypto.envelope import request_keys


class RequestKeysMiddleware:
    """Keeps the data keys a request unwraps until its response is made, and no longer: a
    key destroyed meanwhile stops opening anything from the next request on, in every
    process. (A streamed response opened after this returns fetches its keys itself.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_keys():
            return self.get_response(request)
