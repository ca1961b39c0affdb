"""Signing in with the council's identity provider by OpenID Connect (Entra ID, or any
provider that publishes discovery). docs/sign-in.md says how a council sets it up.

The protocol is Authlib's (a maintained relying-party library): discovery, the
authorisation-code flow with PKCE, state and nonce kept in the session, and the ID token's
signature (the provider's published keys), issuer, audience, expiry and nonce checked. This
module decides what Safekeep does with a checked ID token:

- who it is: the account linked to the token's stable subject (Entra's `oid`, else `sub`),
  else the staff member whose email the token carries (then the subject is linked to their
  account, which is made for them if they have none). Sign-in never adds anyone to the staff
  directory: a person the directory does not know is refused.
- whether they may act now: the same `account_may_act` as every other way in (leavers,
  disabled accounts).
- whether Safekeep's own code is still needed: not when the provider says it used
  multi-factor authentication (`amr` has `mfa`, or an `acr`/`acrs` value the council lists)
  at most SAFEKEEP_OIDC_MFA_MAX_AGE_HOURS ago (`auth_time`).

Every refusal is audited (`auth.oidc_sign_in`, refused) with the precise reason; the person
is shown a plain sentence that says what to do (`Refusal.message`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    InvalidClaimError,
    JoseError,
)

from safekeep.accounts.models import CouncilIdentity, User
from safekeep.accounts.services import account_create
from safekeep.accounts.standing import account_may_act
from safekeep.audit.writing import Origin, audit_event
from safekeep.organisation.models import StaffMember

ACTION = "auth.oidc_sign_in"

# What the person is shown. Plain, and enough to act on; the audit log has the detail.
TRY_AGAIN = (
    "Signing in with {provider} did not work because Safekeep could not trust the answer it "
    "was sent. Start again from the sign-in page. If it keeps happening, tell IT support: "
    "the time you tried helps them find what went wrong."
)
NOT_IN_DIRECTORY = (
    "{provider} signed you in, but you are not in Safekeep's staff directory, so you cannot "
    "use Safekeep. If you should, ask your manager or IT support to add you."
)
MAY_NOT_ACT = (
    "{provider} signed you in, but your Safekeep account may not be used now. If you think "
    "this is wrong, ask your manager or IT support."
)
UNREACHABLE = (
    "Safekeep could not reach {provider} to finish signing you in. Try again in a few "
    "minutes. If it keeps happening, tell IT support."
)


class Refusal(Exception):
    """A council sign-in refused: `reason` for the audit log, `message` for the person."""

    def __init__(self, reason: str, message: str, user: User | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message
        self.user = user  # the account it concerns, when one was found


@dataclass(frozen=True, slots=True)
class Accepted:
    """A council sign-in that may go on: the account, its identity (django-otp's device when
    `mfa_recent`), and the audit reasons of this step (e.g. that the account was linked)."""

    user: User
    identity: CouncilIdentity
    mfa_recent: bool
    reasons: tuple[str, ...]


def enabled() -> bool:
    """On when the issuer, client id and client secret are all configured."""
    return bool(
        settings.SAFEKEEP_OIDC_ISSUER
        and settings.SAFEKEEP_OIDC_CLIENT_ID
        and settings.SAFEKEEP_OIDC_CLIENT_SECRET
    )


def provider_name() -> str:
    """How the sign-in page names the provider ("Sign in with <name>")."""
    return str(settings.SAFEKEEP_OIDC_PROVIDER_NAME)


def local_password_allowed(email: str) -> bool:
    """Whether this email may sign in with a Safekeep password: anyone while council sign-in
    is off; only the break-glass administrators listed in SAFEKEEP_LOCAL_SIGN_IN_EMAILS while
    it is on (so a stolen password alone is no way in for everyone else)."""
    if not enabled():
        return True
    return email.strip().lower() in settings.SAFEKEEP_LOCAL_SIGN_IN_EMAILS


_clients: dict[tuple[str, ...], DjangoOAuth2App] = {}


def client() -> DjangoOAuth2App:
    """Authlib's client for the configured provider (one per configuration, so discovery and
    the provider's keys are fetched once and the keys again when a new one appears)."""
    key = (
        settings.SAFEKEEP_OIDC_ISSUER,
        settings.SAFEKEEP_OIDC_CLIENT_ID,
        settings.SAFEKEEP_OIDC_CLIENT_SECRET,
        settings.SAFEKEEP_OIDC_SCOPES,
    )
    if key not in _clients:
        registry = OAuth()
        _clients[key] = registry.register(
            name="council",
            client_id=settings.SAFEKEEP_OIDC_CLIENT_ID,
            client_secret=settings.SAFEKEEP_OIDC_CLIENT_SECRET,
            server_metadata_url=(
                f"{settings.SAFEKEEP_OIDC_ISSUER}/.well-known/openid-configuration"
            ),
            client_kwargs={
                "scope": settings.SAFEKEEP_OIDC_SCOPES,
                "code_challenge_method": "S256",
                "default_timeout": 10,
            },
        )
    return _clients[key]


def claims_options() -> dict[str, Any]:
    """What the ID token must say besides its signature, expiry and nonce (which Authlib
    always checks): issued by the configured issuer, for this client. Authlib checks the
    audience only when told to, so it is told here."""
    return {
        "iss": {"essential": True, "values": [settings.SAFEKEEP_OIDC_ISSUER]},
        "aud": {"essential": True, "values": [settings.SAFEKEEP_OIDC_CLIENT_ID]},
    }


def end_session_url(*, after: str) -> str | None:
    """The provider's end-session address for this sign-out, or None if it has none."""
    if not enabled():
        return None
    try:
        metadata = client().load_server_metadata()
    except requests.RequestException:
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    url = client().create_logout_url(
        post_logout_redirect_uri=after,
        client_id=settings.SAFEKEEP_OIDC_CLIENT_ID,
    )["url"]
    return str(url)


def _message(template: str) -> str:
    return template.format(provider=provider_name())


def token_refusal(error: Exception) -> Refusal:
    """The refusal for a failed code exchange or ID token check, in words for IG."""
    if isinstance(error, MismatchingStateError):
        reason = "the answer's state is not one this browser started (replayed or forged)"
    elif isinstance(error, InvalidClaimError) and error.claim == "aud":
        reason = "ID token is for another service (wrong audience)"
    elif isinstance(error, InvalidClaimError) and error.claim == "iss":
        reason = "ID token is from another issuer (wrong issuer)"
    elif isinstance(error, InvalidClaimError) and error.claim == "nonce":
        reason = "ID token's nonce is not this sign-in's (replayed token)"
    elif isinstance(error, ExpiredTokenError):
        reason = "ID token has expired"
    elif isinstance(error, BadSignatureError):
        reason = "ID token's signature does not verify against the provider's keys"
    elif isinstance(error, ClaimError):
        reason = f"ID token claim '{error.claim}' is not valid: {error.description}"
    elif isinstance(error, JoseError):
        reason = f"ID token is not valid: {error.description or error.error}"
    elif isinstance(error, OAuthError):
        reason = f"the provider refused: {error.error}: {error.description or ''}".strip(": ")
    elif isinstance(error, requests.RequestException):
        return Refusal(f"the provider could not be reached: {error}"[:300], _message(UNREACHABLE))
    else:
        raise error
    return Refusal(reason, _message(TRY_AGAIN))


def token_claims(token: dict[str, Any]) -> dict[str, Any]:
    """The checked ID token's claims (Authlib puts them under `userinfo`)."""
    claims = token.get("userinfo")
    if not claims:
        raise Refusal("the provider sent no ID token", _message(TRY_AGAIN))
    return dict(claims)


def subject_of(claims: dict[str, Any]) -> str:
    """The stable id: Entra's `oid` (the same for every app in the tenant), else `sub`."""
    return str(claims.get("oid") or claims.get("sub") or "")


def email_of(claims: dict[str, Any]) -> str:
    """The email the token carries (Entra may carry it only as `preferred_username` or
    `upn`, both the person's sign-in name, which councils set to their email address)."""
    for name in ("email", "preferred_username", "upn"):
        value = claims.get(name)
        if isinstance(value, str) and "@" in value:
            return value.strip()
    return ""


def mfa_recent(claims: dict[str, Any], now: float) -> bool:
    """Whether the provider says it checked a second factor recently enough that Safekeep
    need not ask for its own code (`amr` has "mfa", RFC 8176; or an `acr`/`acrs` value the
    council lists; and `auth_time` within SAFEKEEP_OIDC_MFA_MAX_AGE_HOURS)."""
    amr = claims.get("amr") or []
    acr_values = {str(claims.get("acr") or ""), *map(str, claims.get("acrs") or [])}
    listed = set(settings.SAFEKEEP_OIDC_MFA_ACR_VALUES)
    multi_factor = (isinstance(amr, list) and "mfa" in amr) or bool(listed & acr_values)
    auth_time = claims.get("auth_time")
    hours = settings.SAFEKEEP_OIDC_MFA_MAX_AGE_HOURS
    if not multi_factor or not hours or not isinstance(auth_time, int | float):
        return False
    return now - float(auth_time) <= hours * 3600


def refusal_record(*, origin: Origin, refusal: Refusal) -> None:
    """Audits a refused council sign-in (`auth.oidc_sign_in`, refused, with its reason)."""
    audit_event(
        origin=origin,
        action=ACTION,
        decision="refused",
        object_type="account",
        object_id=str(refusal.user.pk) if refusal.user is not None else "",
        reasons=[refusal.reason],
    )


def identity_accept(*, claims: dict[str, Any], origin: Origin) -> Accepted:
    """The account a checked ID token signs in, linking it on first use; or Refusal, audited
    (after the linking is undone: nothing half-written stays).

    The link is made only through the staff directory's email, and never moved: a subject
    already linked to one account, or an account already linked to another subject, is not
    relinked by a matching email (that would let a renamed mailbox take over an account).
    """
    try:
        return _identity_accept(claims)
    except Refusal as refusal:
        refusal_record(origin=origin, refusal=refusal)
        raise


@transaction.atomic
def _identity_accept(claims: dict[str, Any]) -> Accepted:
    issuer = settings.SAFEKEEP_OIDC_ISSUER
    subject = subject_of(claims)
    if not subject:
        raise Refusal("ID token has no subject", _message(TRY_AGAIN))
    reasons: list[str] = []
    identity = (
        CouncilIdentity.objects.select_related("user", "user__staff")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if identity is None:
        email = email_of(claims)
        staff = StaffMember.objects.filter(email__iexact=email).first() if email else None
        if staff is None:
            raise Refusal(
                f"not in the staff directory (subject {subject}, email {email or 'none'})",
                _message(NOT_IN_DIRECTORY),
            )
        user = User.objects.filter(staff=staff).first()
        if user is None:
            user = account_create(staff=staff)
            reasons.append("sign-in account made for the staff member")
        if CouncilIdentity.objects.filter(user=user, issuer=issuer).exists():
            raise Refusal(
                f"the account for {email} is linked to another identity at the provider",
                _message(MAY_NOT_ACT),
                user,
            )
        identity = CouncilIdentity.objects.create(
            user=user, issuer=issuer, subject=subject, name="Council sign-in", confirmed=True
        )
        reasons.append("council identity linked by email")
    user = identity.user
    standing = account_may_act(user, timezone.now())
    if not standing.may_act:
        raise Refusal(standing.reason, _message(MAY_NOT_ACT), user)
    recent = mfa_recent(claims, time.time())
    reasons.append(
        "the provider's multi-factor authentication accepted"
        if recent
        else "Safekeep's own code asked for: no recent multi-factor authentication shown"
    )
    return Accepted(user=user, identity=identity, mfa_recent=recent, reasons=tuple(reasons))


def step_record(*, origin: Origin, accepted: Accepted) -> None:
    """Audits a council sign-in that goes on to Safekeep's own code (the finished sign-in
    is `auth.sign_in`, as for a password)."""
    audit_event(
        origin=origin,
        action=ACTION,
        decision="done",
        object_type="account",
        object_id=str(accepted.user.pk),
        reasons=list(accepted.reasons),
    )
