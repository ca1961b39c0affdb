"""Ed25519 signing for audit checkpoints, with the private key kept outside the database.

The key lives in `<DATA_DIR>/keys/audit-signing.pem`, created with owner-only permissions
on first use. Someone who can rewrite the database cannot forge a checkpoint without it.
Every failure raises `SigningError`; checks raise rather than return a boolean.
"""

from __future__ import annotations

import base64
import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEY_FILE_NAME = "audit-signing.pem"
_lock = threading.Lock()
_cache: dict[Path, Ed25519PrivateKey] = {}


class SigningError(Exception):
    """A signature could not be made or does not verify."""


@dataclass(frozen=True, slots=True)
class Signature:
    key_id: str
    public_key: str  # base64 of the 32-byte raw Ed25519 public key
    signature: str  # base64 of the 64-byte signature


def _key_path(key_dir: Path | None) -> Path:
    if key_dir is None:
        from django.conf import settings

        key_dir = Path(settings.DATA_DIR) / "keys"
    return key_dir / KEY_FILE_NAME


def _private_key(key_dir: Path | None) -> Ed25519PrivateKey:
    path = _key_path(key_dir)
    with _lock:
        cached = _cache.get(path)
        if cached is not None and path.exists():
            return cached
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not path.exists():
            key = Ed25519PrivateKey.generate()
            pem = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass  # another process created it first; read theirs below
            else:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(pem)
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(loaded, Ed25519PrivateKey):
            raise SigningError(f"{path} does not hold an Ed25519 private key")
        _cache[path] = loaded
        return loaded


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id_for(public_key_raw: bytes) -> str:
    """A short, stable name for a public key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(public_key_raw).hexdigest()[:16]


def public_key(*, key_dir: Path | None = None) -> str:
    """The signing public key (base64 raw), to hand to whoever keeps checkpoints."""
    return base64.b64encode(_raw_public(_private_key(key_dir).public_key())).decode()


def sign(message: bytes, *, key_dir: Path | None = None) -> Signature:
    """Sign `message` with the audit signing key, creating the key on first use."""
    key = _private_key(key_dir)
    raw_public = _raw_public(key.public_key())
    return Signature(
        key_id=key_id_for(raw_public),
        public_key=base64.b64encode(raw_public).decode(),
        signature=base64.b64encode(key.sign(message)).decode(),
    )


def verify(message: bytes, *, signature: str, public_key_b64: str) -> None:
    """Raise SigningError unless `signature` is a valid signature of `message` by the key."""
    try:
        raw_public = base64.b64decode(public_key_b64, validate=True)
        raw_signature = base64.b64decode(signature, validate=True)
        Ed25519PublicKey.from_public_bytes(raw_public).verify(raw_signature, message)
    except (InvalidSignature, ValueError) as exc:
        raise SigningError("the signature does not match") from exc


def verify_with_own_key(message: bytes, *, signature: str, key_dir: Path | None = None) -> None:
    """Check a signature made by this installation's own key (stored checkpoints)."""
    verify(message, signature=signature, public_key_b64=public_key(key_dir=key_dir))


def key_id_for_b64(public_key_b64: str) -> str:
    return key_id_for(base64.b64decode(public_key_b64))
