"""The council's identity system as a client of Safekeep: its token, and whom it removed."""

from __future__ import annotations

from django.db import models

from safekeep.organisation.models import StaffMember


class ScimClient(models.Model):
    """A provisioning client (e.g. Entra ID). Only a SHA-256 digest of its token is kept."""

    audit_type = "scim_client"

    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=16)  # so an operator can tell clients apart
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"


class ScimRemoval(models.Model):
    """A person the client DELETEd. Staff are never deleted: they leave at once and SCIM no
    longer shows them (RFC 7644 §3.6: a deleted resource answers 404)."""

    staff = models.OneToOneField(StaffMember, on_delete=models.PROTECT, related_name="+")
    removed_at = models.DateTimeField()
    removed_by = models.ForeignKey(ScimClient, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.staff.staff_id} removed {self.removed_at:%Y-%m-%d %H:%M}"
