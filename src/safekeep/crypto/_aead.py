"""Raw primitives, behind a wall. Nothing outside `safekeep.crypto` may import this module.

Every AES-GCM, HMAC, HKDF and random-key call in Safekeep is here, so a reviewer reads one
short file to see how the primitives are used. Callers above (envelope, streams, blind
index, backup) decide formats and associated data; this module only does the maths and
turns every failure into `AuthenticationFailed`.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # the GCM standard nonce
TAG_BYTES = 16


class AuthenticationFailed(Exception):
    """The ciphertext, its associated data or the key is not the one that was used to seal it."""


def new_key() -> bytes:
    """A fresh 256-bit key from the operating system's CSPRNG."""
    return os.urandom(KEY_BYTES)


def random_bytes(length: int) -> bytes:
    return os.urandom(length)


def _check_key(key: bytes) -> None:
    if len(key) != KEY_BYTES:
        raise ValueError(f"an AES-256 key is {KEY_BYTES} bytes, not {len(key)}")


def seal(key: bytes, plaintext: bytes, aad: bytes, *, nonce: bytes | None = None) -> bytes:
    """AES-256-GCM: nonce (12 bytes) + ciphertext + tag. A random nonce unless one is given."""
    _check_key(key)
    nonce = os.urandom(NONCE_BYTES) if nonce is None else nonce
    if len(nonce) != NONCE_BYTES:
        raise ValueError("a GCM nonce is 12 bytes")
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def open_sealed(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    """The inverse of `seal`; any mismatch raises AuthenticationFailed, never returns junk."""
    _check_key(key)
    if len(sealed) < NONCE_BYTES + TAG_BYTES:
        raise AuthenticationFailed("too short to be a sealed value")
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)
    except InvalidTag as exc:
        raise AuthenticationFailed("authentication tag does not match") from exc


def seal_with_nonce(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """AES-256-GCM with a caller-built nonce (the STREAM construction); ciphertext + tag only."""
    _check_key(key)
    return AESGCM(key).encrypt(nonce, plaintext, aad)


def open_with_nonce(key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes:
    _check_key(key)
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, aad)
    except InvalidTag as exc:
        raise AuthenticationFailed("authentication tag does not match") from exc


def derive_key(master: bytes, *, salt: bytes, info: bytes) -> bytes:
    """HKDF-SHA256: a sub-key bound to its purpose (`info`) and to a per-use `salt`."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=info).derive(master)


def mac(key: bytes, message: bytes) -> bytes:
    """HMAC-SHA256."""
    return hmac.new(key, message, hashlib.sha256).digest()


def constant_time_equal(a: bytes, b: bytes) -> bool:
    return hmac.compare_digest(a, b)
