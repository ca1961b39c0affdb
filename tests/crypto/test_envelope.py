"""Field encryption: fixed vectors, round trips, one case per malformed input, swaps, tamper."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from safekeep.audit.models import AuditEntry
from safekeep.crypto import _aead, envelope, signals
from safekeep.crypto.envelope import KeyRef, decrypt, decrypt_text, encrypt, encrypt_text
from safekeep.crypto.errors import DecryptionFailed, KeyMissing
from safekeep.crypto.models import DataKey, KeyEncryptionKey

pytestmark = pytest.mark.django_db

CASE_A = KeyRef.of("case", 1)
CASE_B = KeyRef.of("case", 2)


def test_aes_256_gcm_matches_the_published_test_vectors() -> None:
    # McGrew & Viega, "The Galois/Counter Mode of Operation", test cases 13 and 14.
    key, nonce = bytes(32), bytes(12)
    assert _aead.seal(key, b"", b"", nonce=nonce).hex() == (
        "000000000000000000000000" + "530f8afbc74536b9a963b4f1c4cb738b"
    )
    sealed = _aead.seal(key, bytes(16), b"", nonce=nonce)
    assert sealed[12:].hex() == (
        "cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919"
    )
    assert _aead.open_sealed(key, sealed, b"") == bytes(16)


def test_associated_data_layout_is_stable() -> None:
    aad = envelope.field_aad(CASE_A, row="7", field="body", key_version=1)
    assert aad == b"safekeep:field:v1\x00\x04case\x00\x011\x00\x017\x00\x04body\x00\x011"


def test_a_known_sealed_value_opens(forget) -> None:
    """A value built by hand with the documented layout opens: the format is what docs say."""
    encrypt(CASE_A, field="name", plaintext=b"warm up")  # creates the data key
    loaded = envelope._load(CASE_A, 1)
    assert loaded is not None
    key = loaded[1]
    aad = envelope.field_aad(CASE_A, row="1", field="name", key_version=1)
    sealed = b"\x01\x00\x00\x00\x01" + _aead.seal(key, b"Ada", aad, nonce=bytes(12))
    forget()
    assert decrypt(CASE_A, field="name", ciphertext=sealed) == b"Ada"


def test_round_trip_and_layout() -> None:
    sealed = encrypt(CASE_A, field="given_name", plaintext=b"Margaret")
    assert sealed[:5] == b"\x01\x00\x00\x00\x01"
    assert len(sealed) == 5 + 12 + len(b"Margaret") + 16
    assert b"Margaret" not in sealed
    assert decrypt(CASE_A, field="given_name", ciphertext=sealed) == b"Margaret"
    assert decrypt(CASE_A, field="given_name", ciphertext=memoryview(sealed)) == b"Margaret"


def test_two_encryptions_differ() -> None:
    first = encrypt(CASE_A, field="f", plaintext=b"same")
    assert first != encrypt(CASE_A, field="f", plaintext=b"same")


def test_each_record_gets_its_own_wrapped_key(data_dir: Path) -> None:
    encrypt(CASE_A, field="f", plaintext=b"x")
    encrypt(CASE_B, field="f", plaintext=b"x")
    rows = list(DataKey.objects.order_by("object_id"))
    assert [(r.scope, r.object_id, r.version, r.kek_id) for r in rows] == [
        ("case", "1", 1, 1),
        ("case", "2", 1, 1),
    ]
    assert bytes(rows[0].wrapped) != bytes(rows[1].wrapped)
    assert KeyEncryptionKey.objects.get().version == 1


def test_the_key_file_is_created_owner_only(data_dir: Path) -> None:
    encrypt(CASE_A, field="f", plaintext=b"x")
    key_dir = data_dir / "keys"
    assert stat.S_IMODE(key_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((key_dir / "kek.keys").stat().st_mode) == 0o600


def test_text_form_round_trip() -> None:
    text = encrypt_text(CASE_A, field="family_name", value="Ó Súilleabháin")
    assert text.startswith("sk1:")
    assert decrypt_text(CASE_A, field="family_name", text=text) == "Ó Súilleabháin"


# --- moved ciphertexts ---------------------------------------------------------------------
def test_a_value_moved_to_another_record_does_not_open() -> None:
    encrypt(CASE_B, field="body", plaintext=b"b's own")
    sealed = encrypt(CASE_A, field="body", plaintext=b"private note")
    with pytest.raises(DecryptionFailed) as caught:
        decrypt(CASE_B, field="body", ciphertext=sealed)
    assert str(caught.value) == (
        "the sealed body of case 2 failed its integrity check (tampered or moved)"
    )


def test_a_value_moved_to_another_field_does_not_open() -> None:
    sealed = encrypt(CASE_A, field="given_name", plaintext=b"Ada")
    with pytest.raises(DecryptionFailed):
        decrypt(CASE_A, field="family_name", ciphertext=sealed)


def test_a_value_moved_to_another_row_of_the_same_record_does_not_open() -> None:
    sealed = encrypt(CASE_A, field="body", plaintext=b"version one", row="entryversion:10")
    assert decrypt(CASE_A, field="body", ciphertext=sealed, row="entryversion:10")
    with pytest.raises(DecryptionFailed):
        decrypt(CASE_A, field="body", ciphertext=sealed, row="entryversion:11")


def test_a_wrapped_data_key_moved_to_another_record_does_not_unwrap(forget) -> None:
    encrypt(CASE_A, field="f", plaintext=b"a")
    sealed_b = encrypt(CASE_B, field="f", plaintext=b"b")
    a_key = DataKey.objects.get(object_id="1")
    DataKey.objects.filter(object_id="2").update(wrapped=bytes(a_key.wrapped))
    forget()
    with pytest.raises(DecryptionFailed) as caught:
        decrypt(CASE_B, field="f", ciphertext=sealed_b)
    assert str(caught.value) == "a data key does not open with key-encryption key version 1"


# --- one case per malformed input ----------------------------------------------------------
def _sealed() -> bytes:
    return encrypt(CASE_A, field="f", plaintext=b"hello world")


def _flip(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]


@pytest.mark.parametrize(
    ("name", "mangle", "message"),
    [
        ("empty", lambda s: b"", "the sealed f is too short to be valid"),
        ("too short", lambda s: s[:32], "the sealed f is too short to be valid"),
        ("unknown format", lambda s: b"\x02" + s[1:], "the sealed f has unknown format version 2"),
        ("format zero", lambda s: b"\x00" + s[1:], "the sealed f has unknown format version 0"),
        ("flipped nonce", lambda s: _flip(s, 6), None),
        ("flipped ciphertext", lambda s: _flip(s, 18), None),
        ("flipped tag", lambda s: _flip(s, len(s) - 1), None),
        ("cut by one byte", lambda s: s[:-1], None),
        ("one byte added", lambda s: s + b"\x00", None),
        ("tag removed", lambda s: s[:-16], "the sealed f is too short to be valid"),
    ],
)
def test_malformed_values_are_refused(name: str, mangle, message: str | None) -> None:
    with pytest.raises(DecryptionFailed) as caught:
        decrypt(CASE_A, field="f", ciphertext=mangle(_sealed()))
    expected = message or "the sealed f of case 1 failed its integrity check (tampered or moved)"
    assert str(caught.value) == expected


def test_an_unknown_data_key_version_is_a_missing_key() -> None:
    sealed = _sealed()
    with pytest.raises(KeyMissing) as caught:
        decrypt(CASE_A, field="f", ciphertext=sealed[:1] + b"\x00\x00\x00\x09" + sealed[5:])
    assert str(caught.value) == "case 1 has no data key version 9"


def test_a_record_without_a_data_key_is_a_missing_key() -> None:
    sealed = _sealed()
    with pytest.raises(KeyMissing) as caught:
        decrypt(KeyRef.of("subject", 5), field="f", ciphertext=sealed)
    assert str(caught.value) == "subject 5 has no data key version 1"


def test_non_bytes_are_refused() -> None:
    with pytest.raises(DecryptionFailed) as caught:
        decrypt(CASE_A, field="f", ciphertext="not bytes")  # type: ignore[arg-type]  # on purpose
    assert str(caught.value) == "a sealed value must be bytes"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("plain words", "the stored name is not a sealed value"),
        ("sk1:!!!", "the stored name is not valid base64"),
        ("sk1:AAAA", "the sealed name is too short to be valid"),
    ],
)
def test_malformed_text_is_refused(text: str, message: str) -> None:
    with pytest.raises(DecryptionFailed) as caught:
        decrypt_text(CASE_A, field="name", text=text)
    assert str(caught.value) == message


def test_a_tampered_value_is_audited_and_logged_without_content(caplog) -> None:
    sealed = encrypt(CASE_A, field="body", plaintext=b"the secret note")
    with pytest.raises(DecryptionFailed):
        decrypt(CASE_A, field="body", ciphertext=_flip(sealed, 20))
    entry = AuditEntry.objects.get(action="crypto.integrity_failure")
    assert (entry.decision, entry.object_type, entry.object_id) == ("failed", "case", "1")
    assert entry.reasons == ["a sealed value for row 1 field body failed its integrity check"]
    assert "integrity failure: a sealed value for case 1 row 1 field body" in caplog.text
    assert "secret" not in caplog.text
    assert "secret" not in str(entry.reasons)


def test_an_integrity_failure_is_announced_with_ids_only() -> None:
    """crypto never imports audit: it sends a signal with plain data, and audit records it."""
    heard: list[dict[str, object]] = []

    def listen(sender: object, **kwargs: object) -> None:
        heard.append(kwargs)

    signals.integrity_failure.connect(listen)
    try:
        sealed = encrypt(CASE_A, field="body", plaintext=b"the secret note")
        with pytest.raises(DecryptionFailed):
            decrypt(CASE_A, field="body", ciphertext=_flip(sealed, 20))
    finally:
        signals.integrity_failure.disconnect(listen)
    assert heard == [
        {
            "signal": signals.integrity_failure,
            "scope": "case",
            "object_id": "1",
            "row": "1",
            "field": "body",
            "what": "a sealed value",
        }
    ]


def test_the_refusal_stands_when_the_failure_cannot_be_recorded(caplog) -> None:
    def broken(sender: object, **kwargs: object) -> None:
        raise RuntimeError("the audit database is down")

    signals.integrity_failure.connect(broken)
    try:
        sealed = encrypt(CASE_A, field="body", plaintext=b"the secret note")
        with pytest.raises(DecryptionFailed):
            decrypt(CASE_A, field="body", ciphertext=_flip(sealed, 20))
    finally:
        signals.integrity_failure.disconnect(broken)
    assert "could not record an integrity failure for case 1" in caplog.text
    assert AuditEntry.objects.filter(action="crypto.integrity_failure").count() == 1


def test_key_refs_need_a_scope_and_an_id() -> None:
    with pytest.raises(ValueError, match="needs a scope and an object id"):
        KeyRef.of("case", "")


@pytest.mark.django_db(transaction=True)
def test_a_data_key_made_in_a_rolled_back_transaction_is_forgotten() -> None:
    """Else a reused record id would be sealed with a key that no longer exists anywhere."""
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        encrypt(CASE_A, field="f", plaintext=b"x")
        raise RuntimeError("rolled back")
    assert not DataKey.objects.exists()
    sealed = encrypt(CASE_A, field="f", plaintext=b"after")  # a fresh key, stored this time
    assert DataKey.objects.count() == 1
    envelope.forget_cached_data_keys()
    assert decrypt(CASE_A, field="f", ciphertext=sealed) == b"after"
