"""Where uploaded documents' bytes live: the one module that reads and writes them.

Files are kept under `settings.DATA_DIR / "files"` with a random name; the database holds
the original filename, type, size and SHA-256. Encryption at rest arrives in a later issue
and replaces only this module (`store` and `read`).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

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


def store(content: bytes) -> StoredFile:
    """Write the bytes under a fresh random name; never overwrites an existing file."""
    storage_name = secrets.token_hex(16)
    path = _path(storage_name)
    with path.open("xb") as handle:
        handle.write(content)
    return StoredFile(storage_name, len(content), hashlib.sha256(content).hexdigest())


def read(storage_name: str) -> bytes:
    return _path(storage_name).read_bytes()


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
