"""API authentication: `Authorization: Bearer <token>` with a per-person token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from safekeep.api.services import api_token_user


class TokenAuth(HttpBearer):
    """Accepts an active token of an active account linked to a member of staff."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_user(token)
        if user is None or getattr(user, "staff", None) is None:
            return None
        request.user = user
        return user
