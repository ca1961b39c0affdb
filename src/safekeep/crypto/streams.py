"""Streaming encryption for uploaded files and backups, in authenticated 64 KiB segments.

The STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015) over AES-256-GCM:

    header: magic "SKF" | format 0x01 | key version (4) | segment size (4) | nonce prefix (7)
    then segments: ciphertext + 16-byte tag, each of `segment size` plaintext bytes but the last

Segment i is sealed with nonce = prefix | i (4 bytes) | final flag (1 byte), and its
associated data holds the caller's context (record, row, key version), the header, i and the
final flag. Reordered, dropped, duplicated or appended segments and a file cut at any byte
fail with `DecryptionFailed`. Plaintext only ever exists in memory, one segment at a time.

A reader yields each segment only after its tag verifies; a file cut short is detected
when the reader reaches the end, so a consumer streaming a download may already have sent
earlier (authentic) segments when the error is raised.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from safekeep.crypto import _aead
from safekeep.crypto.envelope import (
    KeyRef,
    _current_key,
    _load,
    field_aad,
    report_integrity_failure,
)
from safekeep.crypto.errors import DecryptionFailed, KeyMissing

MAGIC = b"SKF"
FORMAT_VERSION = 1
SEGMENT_SIZE = 64 * 1024
_HEADER = struct.Struct(">3sBII7s")
HEADER_SIZE = _HEADER.size
_MAX_SEGMENT = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Header:
    key_version: int
    segment_size: int
    nonce_prefix: bytes

    def pack(self) -> bytes:
        return _HEADER.pack(
            MAGIC, FORMAT_VERSION, self.key_version, self.segment_size, self.nonce_prefix
        )

    @classmethod
    def parse(cls, raw: bytes) -> Header:
        if len(raw) < HEADER_SIZE:
            raise DecryptionFailed("too short to be an encrypted Safekeep stream")
        magic, version, key_version, segment_size, prefix = _HEADER.unpack(raw[:HEADER_SIZE])
        if magic != MAGIC:
            raise DecryptionFailed("not an encrypted Safekeep stream")
        if version != FORMAT_VERSION:
            raise DecryptionFailed(f"unknown stream format version {version}")
        if not 0 < segment_size <= _MAX_SEGMENT:
            raise DecryptionFailed("the stream header names an impossible segment size")
        return cls(key_version, segment_size, prefix)


def _nonce(prefix: bytes, index: int, final: bool) -> bytes:
    return prefix + struct.pack(">IB", index, int(final))


def _segment_aad(base: bytes, header: bytes, index: int, final: bool) -> bytes:
    return base + header + struct.pack(">IB", index, int(final))


class SegmentWriter:
    """Seal bytes written to it onto `sink`; `close()` seals the final segment (always call it)."""

    def __init__(
        self,
        *,
        key: bytes,
        key_version: int,
        aad: bytes,
        sink: BinaryIO,
        segment_size: int = SEGMENT_SIZE,
    ) -> None:
        self._key = key
        self._aad = aad
        self._sink = sink
        self._segment_size = segment_size
        self._header = Header(key_version, segment_size, _aead.random_bytes(7))
        self._header_bytes = self._header.pack()
        self._buffer = bytearray()
        self._index = 0
        self._closed = False
        self.size = 0
        self._sha256 = hashlib.sha256()
        sink.write(self._header_bytes)

    def _emit(self, chunk: bytes, *, final: bool) -> None:
        if self._index >= 2**32 - 1:
            raise ValueError("stream too long")
        nonce = _nonce(self._header.nonce_prefix, self._index, final)
        aad = _segment_aad(self._aad, self._header_bytes, self._index, final)
        self._sink.write(_aead.seal_with_nonce(self._key, nonce, chunk, aad))
        self._index += 1

    def write(self, data: bytes) -> int:
        if self._closed:
            raise ValueError("write to a closed stream")
        self._buffer += data
        self.size += len(data)
        self._sha256.update(data)
        # Keep at least one byte back: the last segment must be sealed as final.
        while len(self._buffer) > self._segment_size:
            self._emit(bytes(self._buffer[: self._segment_size]), final=False)
            del self._buffer[: self._segment_size]
        return len(data)

    def close(self) -> None:
        if not self._closed:
            self._emit(bytes(self._buffer), final=True)
            self._buffer.clear()
            self._closed = True

    @property
    def sha256(self) -> str:
        return self._sha256.hexdigest()


def _read_exactly(source: BinaryIO, size: int) -> bytes:
    parts = []
    remaining = size
    while remaining:
        part = source.read(remaining)
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)


def read_header(source: BinaryIO) -> tuple[Header, bytes]:
    raw = _read_exactly(source, HEADER_SIZE)
    return Header.parse(raw), raw


def open_segments(
    *, key: bytes, header: Header, header_bytes: bytes, aad: bytes, source: BinaryIO
) -> Iterator[bytes]:
    """Yield each segment's plaintext after its tag verifies; raise on any damage or cut."""
    size = header.segment_size + _aead.TAG_BYTES
    index = 0
    current = _read_exactly(source, size)
    while True:
        following = _read_exactly(source, size) if len(current) == size else b""
        final = not following
        if len(current) < _aead.TAG_BYTES:
            raise DecryptionFailed("the stream is cut short")
        nonce = _nonce(header.nonce_prefix, index, final)
        try:
            yield _aead.open_with_nonce(
                key, nonce, current, _segment_aad(aad, header_bytes, index, final)
            )
        except _aead.AuthenticationFailed as exc:
            raise DecryptionFailed(
                f"segment {index} failed its integrity check (tampered, reordered or cut)"
            ) from exc
        if final:
            return
        index += 1
        current = following


# --- uploaded files under a record's data key ----------------------------------------------
FILE_FIELD = "file"


@dataclass(frozen=True, slots=True)
class EncryptedFile:
    size: int  # plaintext bytes
    sha256: str  # of the plaintext, for the Document row


def encrypt_file(
    ref: KeyRef, *, row: str, chunks: Iterable[bytes], destination: BinaryIO
) -> EncryptedFile:
    """Encrypt `chunks` (e.g. UploadedFile.chunks()) onto an open binary file."""
    version, key = _current_key(ref)
    writer = SegmentWriter(
        key=key,
        key_version=version,
        aad=field_aad(ref, row=row, field=FILE_FIELD, key_version=version),
        sink=destination,
    )
    for chunk in chunks:
        writer.write(chunk)
    writer.close()
    return EncryptedFile(writer.size, writer.sha256)


def decrypt_file(ref: KeyRef, *, row: str, source: BinaryIO) -> Iterator[bytes]:
    """Yield the plaintext of a file made by `encrypt_file` for the same record and row."""
    try:
        header, header_bytes = read_header(source)
        loaded = _load(ref, header.key_version)
        if loaded is None:
            raise KeyMissing(f"{ref} has no data key version {header.key_version}")
        yield from open_segments(
            key=loaded[1],
            header=header,
            header_bytes=header_bytes,
            aad=field_aad(ref, row=row, field=FILE_FIELD, key_version=header.key_version),
            source=source,
        )
    except DecryptionFailed:
        report_integrity_failure(what="a stored file", ref=ref, field=FILE_FIELD, row=row)
        raise


def write_encrypted_file(
    ref: KeyRef, *, row: str, chunks: Iterable[bytes], path: Path
) -> EncryptedFile:
    """Encrypt to `path` (owner-only), via a temporary name so no partial file is ever seen."""
    partial = path.with_name(f".{path.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            result = encrypt_file(ref, row=row, chunks=chunks, destination=handle)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            raise FileExistsError(f"{path.name} already exists")
        os.replace(partial, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return result


def read_encrypted_file(ref: KeyRef, *, row: str, path: Path) -> Iterator[bytes]:
    """Stream the plaintext of an encrypted file (for a download after the policy allows it)."""
    with path.open("rb") as handle:
        yield from decrypt_file(ref, row=row, source=handle)
