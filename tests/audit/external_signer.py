"""A checkpoint signer in a process of its own, with its key where Safekeep cannot read it.

The shape of a council's wrapper round its KMS: `external_signer.py KEY_DIR [--corrupt]
public-key | sign` (CommandSigner, safekeep.crypto.signing). `--corrupt` signs something
else, as a broken or hostile signer would.
"""

from __future__ import annotations

import base64
import os
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def _key(directory: Path) -> Ed25519PrivateKey:
    path = directory / "signer.pem"
    if not path.exists():
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


def main(argv: list[str]) -> int:
    directory, *flags, verb = argv[1:]
    key = _key(Path(directory))
    if verb == "public-key":
        raw = key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        print(base64.b64encode(raw).decode())
        return 0
    if verb == "sign":
        message = sys.stdin.buffer.read()
        if "--corrupt" in flags:
            message += b"!"
        print(base64.b64encode(key.sign(message)).decode())
        return 0
    print(f"unknown request {verb!r}", file=sys.stderr)
    return 3


if __name__ == "__main__":
    sys.exit(main(sys.argv))
