"""Creating, revoking and checking API tokens. Tokens are shown once and stored hashed.

A token works until it is revoked, until SAFEKEEP_API_TOKEN_DAYS have passed, until its
account signs out everywhere or has its password reset, and only while the account may act
(`accounts.standing`): a leaver's, disabled or locked account's tokens answer 401.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import replace

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from safekeep.accounts.models import User
from safekeep.accounts.standing import account_may_act
from safekeep.api.models import ApiToken
from safekeep.audit.writing import Origin, audit_change, audit_event
from safekeep.core.rows import Columns, table
from safekeep.organisation.models import StaffMember

TOKEN_PREFIX = "skp_"  # noqa: S105  # nosec B105 # a public marker, not a secret
# What a caller whose token does not work is told: the same whatever the reason (the audit
# log has it), and what to do about it.
BEARER_REFUSAL = (
    "This API token does not work: it may be mistyped, revoked or expired, or its account "
    "may no longer use Safekeep. Create a new token on the API tokens page."
)


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
    now = timezone.now()
    standing = account_may_act(user, now)
    if not standing.may_act:
        raise TokenError(f"This account cannot have an API token now: {standing.reason}")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        token_hash=_digest(plain),
        prefix=plain[:12],
        created_at=now,
        expires_at=now + dt.timedelta(days=settings.SAFEKEEP_API_TOKEN_DAYS),
        account_generation=user.session_generation,
    )
    audit_change(
        origin, "api_token.create", token, reasons=[f"expires {token.expires_at:%Y-%m-%d}"]
    )
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


_TOKEN = Columns(ApiToken, "t")
_USER = Columns(User, "u")
_STAFF = Columns(StaffMember, "s")
# The token, its account and the account's member of staff: one query on every API call.
_TOKEN_SQL = f"""
SELECT {_TOKEN.sql}, {_USER.sql}, {_STAFF.sql}
FROM {table(ApiToken)} t
JOIN {table(User)} u ON u.id = t.user_id
LEFT JOIN {table(StaffMember)} s ON s.id = u.staff_id
WHERE t.token_hash = %s
"""  # noqa: S608  # nosec B608 # only model table and column names are formatted in


def _token_of(plain: str) -> ApiToken | None:
    """The stored token for `plain` with its account and staff member, read fresh."""
    with connection.cursor() as cursor:
        cursor.execute(_TOKEN_SQL, [_digest(plain)])
        row = cursor.fetchone()
    if row is None:
        return None
    token = _TOKEN.build(row)
    user = _USER.build(row, _TOKEN.width)
    user.staff = None if user.staff_id is None else _STAFF.build(row, _TOKEN.width + _USER.width)
    token.user = user
    return token


def api_token_user(plain: str, *, origin: Origin, now: dt.datetime | None = None) -> User | None:
    """The account a working token belongs to, or None. Records when it was last used.

    A stored token that does not work now (revoked, expired, ended, or its account may not
    act) writes one `auth.api_token` refusal naming the token's person and why.
    """
    if not plain.startswith(TOKEN_PREFIX):
        return None
    token = _token_of(plain)
    if token is None:
        return None
    moment = now or timezone.now()
    refusal = account_may_act(token.user, moment).reason or token.ended_by(moment)
    if refusal:
        staff = token.user.staff
        audit_event(
            origin=replace(
                origin,
                actor_staff_id=staff.staff_id if staff is not None else "",
                actor_username=token.user.get_username(),
            ),
            action="auth.api_token",
            decision="refused",
            object_type=ApiToken.audit_type,
            object_id=str(token.pk),
            reasons=[refusal],
        )
        return None
    if token.last_used_at is None or moment - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=moment)
    return token.user
