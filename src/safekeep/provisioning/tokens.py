"""The provisioning client's bearer token: made by `safekeep scim-token create`, shown once,
stored as a SHA-256 digest, and named in the audit log as `scim:<client name>`."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import replace

from django.db import transaction
from django.utils import timezone

from safekeep.audit.writing import Origin, audit_change, audit_event
from safekeep.provisioning.models import ScimClient

TOKEN_PREFIX = "skscim_"  # noqa: S105  # nosec B105 # a public marker, not a secret
REFUSAL = "This SCIM token does not work: it may be mistyped or revoked."


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def client_origin(client: ScimClient, origin: Origin) -> Origin:
    """Who acts when the identity system provisions: the client, by name."""
    return replace(origin, actor_staff_id="", actor_username=f"scim:{client.name}")


@transaction.atomic
def scim_client_create(*, name: str, origin: Origin) -> tuple[ScimClient, str]:
    """A new provisioning client; the plain token is returned here and never again."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ValueError("Enter a name of 1 to 100 characters for the provisioning client")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    client = ScimClient.objects.create(
        name=name, token_hash=_digest(plain), prefix=plain[:14], created_at=timezone.now()
    )
    audit_change(origin, "scim_client.create", client)
    return client, plain


def scim_client_for(
    plain: str, *, origin: Origin, now: dt.datetime | None = None
) -> ScimClient | None:
    """The working client a bearer token belongs to, or None (a revoked one is audited)."""
    if not plain.startswith(TOKEN_PREFIX):
        return None
    client = ScimClient.objects.filter(token_hash=_digest(plain)).first()
    if client is None:
        return None
    if client.revoked_at is not None:
        audit_event(
            origin=replace(origin, actor_username=f"scim:{client.name}"),
            action="auth.scim_token",
            decision="refused",
            object_type=ScimClient.audit_type,
            object_id=str(client.pk),
            reasons=["token revoked"],
        )
        return None
    moment = now or timezone.now()
    if client.last_used_at is None or moment - client.last_used_at > dt.timedelta(minutes=1):
        ScimClient.objects.filter(pk=client.pk).update(last_used_at=moment)
    return client
