"""One exception per kind of failure, so callers can react to each and never test a boolean.

Messages name what is wrong (a key version, a file, a setting) and never include record
content or key material.
"""

from __future__ import annotations


class CryptoError(Exception):
    """Base class of every error raised by `safekeep.crypto`."""


class DecryptionFailed(CryptoError):
    """A ciphertext was tampered with, truncated, malformed, or moved to another row or field."""


class KeyMissing(CryptoError):
    """A key that the data needs is not available from the key provider (or not in the DB)."""


class KeyConfigurationError(CryptoError):
    """The key provider is misconfigured: a wrong key, a bad setting, unsafe file permissions."""


class RotationError(CryptoError):
    """A key rotation or retirement step was refused; the message says why."""


class BackupError(CryptoError):
    """A backup could not be written, or a restore was refused before anything was touched."""
