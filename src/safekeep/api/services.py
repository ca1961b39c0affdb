"""Creating, revoking and checking API tokens. Tokens are shown once and stored hashed."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from safekeep.accounts.models import User
from safekeep.api.models import ApiToken
from safekeep.audit.writing import Origin, audit_change

TOKEN_PREFIX = "skp_"  # noqa: S105 - a marker, not a secret


class TokenError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str, origin: Origin) -> tuple[ApiToken, str]:
    """A new token for `user`; the plain token is returned here and never again."""
    name = name.strip()
    if not name:
        raise TokenError("Enter a name for the token")
    if len(name) > 100:
        raise TokenError("Name must be 100 characters or fewer")
    if getattr(user, "staff", None) is None:
        raise TokenError("Only accounts linked to a member of staff can have API tokens")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        token_hash=_digest(plain),
        prefix=plain[:12],
        created_at=timezone.now(),
    )
    audit_change(origin, "api_token.create", token)
    return token, plain


@transaction.atomic
def api_token_revoke(*, user: User, token: ApiToken, origin: Origin) -> ApiToken:
    """Revoke one of the person's own tokens; it stops working at once."""
    if token.user_id != user.pk:
        raise TokenError("You can only revoke your own tokens")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_change(origin, "api_token.revoke", token)
    return token


def api_token_user(plain: str, *, now: dt.datetime | None = None) -> User | None:
    """The active account a token belongs to, or None. Records when it was last used."""
    if not plain.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user__staff")
        .filter(token_hash=_digest(plain), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    moment = now or timezone.now()
    if token.last_used_at is None or moment - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=moment)
    return token.user
