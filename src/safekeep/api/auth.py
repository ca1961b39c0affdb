"""API authentication: `Authorization: Bearer <token>` with a per-person token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from safekeep.api.services import BEARER_REFUSAL, api_token_user
from safekeep.audit.writing import Origin


class TokenAuth(HttpBearer):
    """Accepts a working token of an account that may act now; anything else is 401 with
    the same plain words (the audit log says which it was)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_user(token, origin=Origin.from_request(request))
        if user is None:
            raise AuthenticationError(message=BEARER_REFUSAL)
        request.user = user
        return user
