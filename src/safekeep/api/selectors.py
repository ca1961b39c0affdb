"""Reading API tokens."""

from __future__ import annotations

import datetime as dt

from safekeep.accounts.models import User
from safekeep.api.models import ApiToken


def tokens_of(user: User, now: dt.datetime) -> list[tuple[ApiToken, str]]:
    """A person's tokens, newest first, each with what ended it ("" while it still works)."""
    tokens = ApiToken.objects.filter(user=user).select_related("user")
    return [(token, token.ended_by(now)) for token in tokens]
