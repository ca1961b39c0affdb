"""How authenticator secrets are sealed at rest: the one place accounts meets safekeep.crypto.

An authenticator app's TOTP secret is sealed under its account's data key
(`account:<user pk>`), row = the device (`totpdevice:<pk>`), field `totp_key`, and stored in
django-otp's `key` column as sealed text (`sk1:` + base64: 76 characters for a 20-byte
secret, within the column's 80). A secret copied to another device or account does not
open. `AuthenticatorApp` (models.py) seals on save and opens when a code is checked; the
plaintext exists only in memory.
"""

from __future__ import annotations

from safekeep.crypto.envelope import KeyRef, is_sealed_text, open_bytes_text, seal_bytes_text

FIELD = "totp_key"
# The longest secret whose sealed text fits django-otp's 80-character key column.
MAX_SECRET_BYTES = 24


def account_key(user_pk: int) -> KeyRef:
    return KeyRef.of("account", user_pk)


def device_row(device_pk: int) -> str:
    return f"totpdevice:{device_pk}"


def seal_secret(*, user_pk: int, device_pk: int, secret: bytes) -> str:
    """The sealed text of a TOTP secret for one saved device of one account."""
    if len(secret) > MAX_SECRET_BYTES:
        raise ValueError(f"an authenticator secret must be at most {MAX_SECRET_BYTES} bytes")
    return seal_bytes_text(
        account_key(user_pk), field=FIELD, plaintext=secret, row=device_row(device_pk)
    )


def open_secret(*, user_pk: int, device_pk: int, text: str) -> bytes:
    """The TOTP secret; raises DecryptionFailed if it was tampered with or moved."""
    return open_bytes_text(account_key(user_pk), field=FIELD, text=text, row=device_row(device_pk))


__all__ = ["is_sealed_text", "open_secret", "seal_secret"]
