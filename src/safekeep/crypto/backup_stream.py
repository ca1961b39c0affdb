"""The encryption of a backup file: the backup key, and the sealed stream a backup is written to.

    "SKBACKUP" | format 0x01 | salt (16) | backup-key id (8)      <- outer header (the AAD)
    then a segmented AES-256-GCM stream (streams.py) of what the caller writes

The stream key is HKDF(backup key, salt), so each backup has its own key. The backup key is
not a KEK: it is held apart (docs/operations.md), and a backup holds no KEK, blind-index
key or signing key. What goes into the stream (rows, files, a manifest) is the caller's
business: `safekeep.operations.backup`.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

from safekeep.crypto import _aead
from safekeep.crypto.errors import BackupError, KeyConfigurationError
from safekeep.crypto.providers import _decode_key, generate_key_text
from safekeep.crypto.streams import SegmentWriter, open_segments, read_header

MAGIC = b"SKBACKUP"
FORMAT_VERSION = 1
_SALT_BYTES = 16
_OUTER = len(MAGIC) + 1 + _SALT_BYTES + 8
BACKUP_KEY_FILE = "backup.key"
BACKUP_KEY_VARIABLE = "SAFEKEEP_BACKUP_KEY"


@dataclass(frozen=True, slots=True)
class BackupKey:
    """The key a backup is sealed with; callers pass it on and never see its bytes."""

    _secret: bytes = field(repr=False)

    @property
    def _id_bytes(self) -> bytes:
        return _aead.mac(self._secret, b"safekeep backup key id")[:8]

    @property
    def key_id(self) -> str:
        """A short public fingerprint (hex), to tell which key a backup needs."""
        return self._id_bytes.hex()

    def _stream_key(self, salt: bytes) -> bytes:
        return _aead.derive_key(self._secret, salt=salt, info=b"safekeep backup v1")


def default_backup_key_path() -> Path:
    return Path(settings.DATA_DIR) / "keys" / BACKUP_KEY_FILE


def backup_key(key_file: Path | None = None, *, create: bool = False) -> BackupKey:
    """The backup key: --key-file, else SAFEKEEP_BACKUP_KEY, else <DATA_DIR>/keys/backup.key."""
    if key_file is None and os.environ.get(BACKUP_KEY_VARIABLE):
        return BackupKey(_decode_key(os.environ[BACKUP_KEY_VARIABLE], where=BACKUP_KEY_VARIABLE))
    path = key_file or default_backup_key_path()
    if not path.exists():
        if not create or key_file is not None:
            raise BackupError(f"the backup key file {path} is missing (see docs/operations.md)")
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(generate_key_text() + "\n")
    if path.stat().st_mode & 0o077:
        raise KeyConfigurationError(f"{path} can be read by other users; run: chmod 600 {path}")
    return BackupKey(_decode_key(path.read_text(), where=str(path)))


@contextlib.contextmanager
def sealed_writer(sink: BinaryIO, key: BackupKey) -> Iterator[SegmentWriter]:
    """Yield a file that seals what is written to it onto `sink`, after the outer header.

    The final segment is sealed only when the block ends without an error, so a backup cut
    off half way never opens.
    """
    salt = _aead.random_bytes(_SALT_BYTES)
    outer = MAGIC + bytes([FORMAT_VERSION]) + salt + key._id_bytes
    sink.write(outer)
    writer = SegmentWriter(
        key=key._stream_key(salt), key_version=FORMAT_VERSION, aad=outer, sink=sink
    )
    yield writer
    writer.close()


class _PlainReader(io.RawIOBase):
    """A read-only file over the decrypted stream, for tarfile's streaming mode."""

    def __init__(self, segments: Iterator[bytes]) -> None:
        self._segments = segments
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            try:
                self._buffer += next(self._segments)
            except StopIteration:
                break
        if size < 0:
            size = len(self._buffer)
        out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out


@contextlib.contextmanager
def sealed_reader(path: Path, key: BackupKey) -> Iterator[io.RawIOBase]:
    """Yield the plaintext of the backup at `path`, read as it is checked.

    Raises BackupError for a file that is not a backup or was made with another key, and
    DecryptionFailed (while reading) for one that is damaged or cut short.
    """
    with path.open("rb") as handle:
        outer = handle.read(_OUTER)
        if len(outer) < _OUTER or not outer.startswith(MAGIC):
            raise BackupError(f"{path.name} is not a Safekeep backup")
        if outer[len(MAGIC)] != FORMAT_VERSION:
            raise BackupError(f"{path.name} has unknown backup format {outer[len(MAGIC)]}")
        salt = outer[len(MAGIC) + 1 : len(MAGIC) + 1 + _SALT_BYTES]
        key_id = outer[len(MAGIC) + 1 + _SALT_BYTES :]
        if key_id != key._id_bytes:
            raise BackupError(
                f"{path.name} was made with another backup key (key id {key_id.hex()}, "
                f"this key is {key.key_id})"
            )
        header, header_bytes = read_header(handle)
        yield _PlainReader(
            open_segments(
                key=key._stream_key(salt),
                header=header,
                header_bytes=header_bytes,
                aad=outer,
                source=handle,
            )
        )
