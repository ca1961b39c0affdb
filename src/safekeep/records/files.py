"""Where uploaded documents' bytes live: the one module that reads and writes them.

Files are kept under `settings.DATA_DIR / "files"` with a random name, encrypted under the
case's data key in authenticated segments (`crypto.streams`, row = the storage name), so a
file copied to another case or name does not open. Plaintext exists only in memory; the
upload handler (`records.uploads`) never spools it to a temporary file. The database holds
the sealed filename, the type, and the plaintext's size and SHA-256.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from safekeep.crypto import streams
from safekeep.crypto.envelope import KeyRef

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024

# Accepted document types: extension -> (content type, how the file must start).
DOCUMENT_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    "txt": ("text/plain", ()),
}


@dataclass(frozen=True, slots=True)
class StoredFile:
    storage_name: str
    size: int
    sha256: str


def _root() -> Path:
    root = Path(settings.DATA_DIR) / "files"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _path(storage_name: str) -> Path:
    if not storage_name or "/" in storage_name or storage_name.startswith("."):
        raise ValueError("not a storage name")
    return _root() / storage_name


def _key(case_id: int) -> KeyRef:
    return KeyRef.of("case", case_id)


def store(*, case_id: int, chunks: Iterable[bytes]) -> StoredFile:
    """Encrypt the chunks to a fresh random name (owner-only, never overwriting a file)."""
    storage_name = secrets.token_hex(16)
    result = streams.write_encrypted_file(
        _key(case_id), row=storage_name, chunks=chunks, path=_path(storage_name)
    )
    return StoredFile(storage_name, result.size, result.sha256)


def read(*, case_id: int, storage_name: str) -> Iterator[bytes]:
    """The plaintext, segment by segment, each only after its tag verifies.

    Raises `DecryptionFailed` (logged and audited by crypto) for a tampered, cut or moved file.
    Call only after the policy has allowed `download`.
    """
    return streams.read_encrypted_file(_key(case_id), row=storage_name, path=_path(storage_name))


def sniff_type(filename: str, head: bytes) -> str | None:
    """The content type when the name's extension and the first bytes agree, else None."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    known = DOCUMENT_TYPES.get(extension)
    if known is None:
        return None
    content_type, signatures = known
    if signatures:
        return content_type if any(head.startswith(s) for s in signatures) else None
    # Plain text: must decode as UTF-8 and hold no NUL bytes.
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(head) - 3:
            return None
    return content_type


def remove(storage_name: str) -> None:
    """Delete a stored file (disposal under a retention schedule); gone already is fine."""
    _path(storage_name).unlink(missing_ok=True)
