"""Streaming file encryption: round trips at segment edges; cut, reordered, moved, tampered."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from safekeep.audit.models import AuditEntry
from safekeep.crypto import streams
from safekeep.crypto.envelope import KeyRef
from safekeep.crypto.errors import DecryptionFailed
from safekeep.crypto.streams import (
    HEADER_SIZE,
    SEGMENT_SIZE,
    decrypt_file,
    encrypt_file,
    read_encrypted_file,
    write_encrypted_file,
)

pytestmark = pytest.mark.django_db
CASE = KeyRef.of("case", 3)
SEALED_SEGMENT = SEGMENT_SIZE + 16


def _encrypt(data: bytes, row: str = "doc1", chunk: int = 10_000) -> bytes:
    out = io.BytesIO()
    chunks = (data[i : i + chunk] for i in range(0, len(data), chunk))
    result = encrypt_file(CASE, row=row, chunks=chunks, destination=out)
    assert result.size == len(data)
    return out.getvalue()


def _decrypt(sealed: bytes, row: str = "doc1") -> bytes:
    return b"".join(decrypt_file(CASE, row=row, source=io.BytesIO(sealed)))


@pytest.mark.parametrize(
    "size", [0, 1, SEGMENT_SIZE - 1, SEGMENT_SIZE, SEGMENT_SIZE + 1, 3 * SEGMENT_SIZE + 5]
)
def test_round_trip_at_segment_edges(size: int) -> None:
    data = os.urandom(size)
    sealed = _encrypt(data)
    segments = max(1, -(-size // SEGMENT_SIZE))
    assert len(sealed) == HEADER_SIZE + size + 16 * segments
    assert _decrypt(sealed) == data


def test_the_header_layout() -> None:
    sealed = _encrypt(b"x")
    assert sealed[:4] == b"SKF\x01"
    assert sealed[4:8] == b"\x00\x00\x00\x01"  # data-key version
    assert sealed[8:12] == (65536).to_bytes(4, "big")


def test_reports_the_plaintext_digest() -> None:
    import hashlib

    result = encrypt_file(CASE, row="r", chunks=[b"abc", b"def"], destination=io.BytesIO())
    assert result.sha256 == hashlib.sha256(b"abcdef").hexdigest()


DATA = bytes(range(256)) * 1024 + b"tail"  # 5 segments, the last 4 bytes


def _segments(sealed: bytes) -> list[bytes]:
    body = sealed[HEADER_SIZE:]
    return [body[i : i + SEALED_SEGMENT] for i in range(0, len(body), SEALED_SEGMENT)]


def _join(sealed: bytes, segments: list[bytes]) -> bytes:
    return sealed[:HEADER_SIZE] + b"".join(segments)


@pytest.mark.parametrize(
    ("name", "mangle", "message"),
    [
        ("empty", lambda s: b"", "too short to be an encrypted Safekeep stream"),
        ("header only", lambda s: s[:HEADER_SIZE], "the stream is cut short"),
        ("cut in the header", lambda s: s[:10], "too short to be an encrypted Safekeep stream"),
        ("not ours", lambda s: b"PK\x03\x04" + s[4:], "not an encrypted Safekeep stream"),
        ("unknown format", lambda s: s[:3] + b"\x09" + s[4:], "unknown stream format version 9"),
        (
            "zero segment size",
            lambda s: s[:8] + bytes(4) + s[12:],
            "the stream header names an impossible segment size",
        ),
        (
            "cut at a segment boundary",
            lambda s: _join(s, _segments(s)[:2]),
            "segment 1 failed its integrity check (tampered, reordered or cut)",
        ),
        (
            "last segment dropped",
            lambda s: _join(s, _segments(s)[:3]),
            "segment 2 failed its integrity check (tampered, reordered or cut)",
        ),
        (
            "cut mid-segment",
            lambda s: s[: HEADER_SIZE + SEALED_SEGMENT + 100],
            "segment 1 failed its integrity check (tampered, reordered or cut)",
        ),
        (
            "segments swapped",
            lambda s: _join(s, [_segments(s)[1], _segments(s)[0], *_segments(s)[2:]]),
            "segment 0 failed its integrity check (tampered, reordered or cut)",
        ),
        (
            "segment repeated",
            lambda s: _join(s, [_segments(s)[0], *_segments(s)]),
            "segment 1 failed its integrity check (tampered, reordered or cut)",
        ),
        (
            "bytes appended",
            lambda s: s + b"\x00" * 20,
            "segment 4 failed its integrity check (tampered, reordered or cut)",
        ),
        (
            "a bit flipped",
            lambda s: s[:5000] + bytes([s[5000] ^ 1]) + s[5001:],
            "segment 0 failed its integrity check (tampered, reordered or cut)",
        ),
        (
            "nonce prefix changed",
            lambda s: s[:12] + bytes(7) + s[19:],
            "segment 0 failed its integrity check (tampered, reordered or cut)",
        ),
    ],
)
def test_damaged_files_are_refused(name: str, mangle, message: str) -> None:
    sealed = _encrypt(DATA)
    with pytest.raises(DecryptionFailed) as caught:
        _decrypt(mangle(sealed))
    assert str(caught.value) == message
    entry = AuditEntry.objects.get(action="crypto.integrity_failure")
    assert entry.reasons == ["a stored file for row doc1 field file failed its integrity check"]


def test_a_file_moved_to_another_document_does_not_open() -> None:
    sealed = _encrypt(b"report")
    with pytest.raises(DecryptionFailed):
        _decrypt(sealed, row="doc2")


def test_a_file_moved_to_another_case_does_not_open() -> None:
    sealed = _encrypt(b"report")
    other = KeyRef.of("case", 4)
    encrypt_file(other, row="x", chunks=[b"x"], destination=io.BytesIO())
    with pytest.raises(DecryptionFailed):
        b"".join(decrypt_file(other, row="doc1", source=io.BytesIO(sealed)))


def test_files_on_disk(tmp_path: Path) -> None:
    tmp_path = tmp_path / "files"
    tmp_path.mkdir()
    path = tmp_path / "abc123"
    write_encrypted_file(CASE, row="abc123", chunks=[b"Dear Ms Patel, ", b"the plan"], path=path)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert b"Patel" not in path.read_bytes()
    assert b"".join(read_encrypted_file(CASE, row="abc123", path=path)) == (
        b"Dear Ms Patel, the plan"
    )
    assert list(tmp_path.iterdir()) == [path]  # no partial file left behind
    with pytest.raises(FileExistsError):
        write_encrypted_file(CASE, row="abc123", chunks=[b"again"], path=path)
    assert list(tmp_path.iterdir()) == [path]


def test_writing_after_close_is_refused() -> None:
    writer = streams.SegmentWriter(key=bytes(32), key_version=1, aad=b"", sink=io.BytesIO())
    writer.close()
    with pytest.raises(ValueError, match="closed"):
        writer.write(b"x")
