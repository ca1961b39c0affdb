"""Per-person API tokens. Only a SHA-256 digest is stored; the token is shown once."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    audit_type = "api_token"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    # Hex SHA-256 of the whole token; the token itself is never stored.
    token_hash = models.CharField(max_length=64, unique=True)
    # The first characters, so a person can tell their tokens apart.
    prefix = models.CharField(max_length=16)
    created_at = models.DateTimeField()
    # SAFEKEEP_API_TOKEN_DAYS after it was made.
    expires_at = models.DateTimeField()
    # The account's session generation when the token was made: "sign out everywhere" and a
    # password reset move the account on, and its tokens end with the sessions of their time.
    account_generation = models.PositiveIntegerField(default=0)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    def ended_by(self, now: dt.datetime) -> str:
        """What ended this token, in the audit log's words; "" while it still works."""
        if self.revoked_at is not None:
            return "token revoked"
        if self.expires_at <= now:
            return "token expired"
        if self.account_generation != self.user.session_generation:
            return "token ended: the account was signed out everywhere after it was made"
        return ""
