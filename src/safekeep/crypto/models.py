"""Key bookkeeping. No key material is stored here: only wrapped data keys and check values.

A wrapped data key is useless without the key-encryption key (KEK), which lives with the
key provider outside the database (see providers.py).
"""

from __future__ import annotations

from django.db import models


class KeyEncryptionKey(models.Model):
    """One KEK version known to this database. The newest unretired version wraps new keys."""

    version = models.PositiveIntegerField(primary_key=True)
    provider = models.CharField(max_length=200)
    # A known value wrapped by this KEK: proves at start-up that the provider holds the right key.
    check_value = models.BinaryField()
    created_at = models.DateTimeField()
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["version"]

    def __str__(self) -> str:
        return f"KEK v{self.version}"


class DataKey(models.Model):
    """A record's own AES-256 key, wrapped by a KEK. `scope` + `object_id` name the record."""

    scope = models.CharField(max_length=40)
    object_id = models.CharField(max_length=80)
    version = models.PositiveIntegerField(default=1)
    kek = models.ForeignKey(
        KeyEncryptionKey,
        on_delete=models.PROTECT,
        related_name="data_keys",
        db_column="kek_version",
    )
    wrapped = models.BinaryField()
    created_at = models.DateTimeField()
    rewrapped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "object_id", "version"], name="crypto_datakey_unique"
            ),
        ]
        indexes = [models.Index(fields=["kek", "id"], name="crypto_datakey_kek_id")]


class KeyRotation(models.Model):
    """One run of `safekeep keys rotate`; an unfinished run is resumed by the next command."""

    target = models.ForeignKey(KeyEncryptionKey, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    rewrapped = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["id"]


class BlindIndexKey(models.Model):
    """The fingerprint of the blind-index key, so a replaced or lost key is caught at start-up."""

    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField()
