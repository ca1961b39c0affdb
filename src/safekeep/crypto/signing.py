"""Ed25519 signing for audit checkpoints, by a signer that may live outside this host.

Like the key providers (providers.py), the signer is chosen by configuration,
`SAFEKEEP_SIGNING_PROVIDER` (Django setting, then environment):

- `file` (default): the private key in `<DATA_DIR>/keys/audit-signing.pem`, created with
  owner-only permissions on first use. Someone who can rewrite the database cannot forge a
  checkpoint without it.
- `command`: the key never comes to this host. `SAFEKEEP_SIGNING_COMMAND` is a program
  (run without a shell) that a council points at its KMS or signing host: `COMMAND
  public-key` prints the base64 raw 32-byte public key; `COMMAND sign` reads the message on
  standard input and prints the base64 64-byte signature. Safekeep checks every signature it
  is given before using it.
- `package.module.ClassName`: any class with the `Signer` methods.

Every failure raises `SigningError`; checks raise rather than return a boolean.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import importlib
import os
import shlex
import subprocess  # nosec B404 # runs only the operator's configured signer
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEY_FILE_NAME = "audit-signing.pem"
COMMAND_TIMEOUT_SECONDS = 30


class SigningError(Exception):
    """A signature could not be made or does not verify."""


@dataclass(frozen=True, slots=True)
class Signature:
    key_id: str
    public_key: str  # base64 of the 32-byte raw Ed25519 public key
    signature: str  # base64 of the 64-byte signature


@runtime_checkable
class Signer(Protocol):
    """What Safekeep needs from whoever holds the checkpoint signing key."""

    name: str

    def describe(self) -> str:
        """Where the key is, for operators' messages (never the key itself)."""
        ...

    def public_key(self) -> bytes:
        """The raw 32-byte Ed25519 public key."""
        ...

    def sign(self, message: bytes) -> bytes:
        """The raw 64-byte Ed25519 signature of `message`. Raise SigningError if it cannot."""
        ...


class FileSigner:
    """The private key in an owner-only PEM file (the default)."""

    name = "file"

    def __init__(self, directory: Path) -> None:
        self.path = Path(directory) / KEY_FILE_NAME
        self._lock = threading.Lock()
        self._key: Ed25519PrivateKey | None = None

    def describe(self) -> str:
        return f"the key file {self.path}"

    def _private_key(self) -> Ed25519PrivateKey:
        with self._lock:
            if self._key is not None and self.path.exists():
                return self._key
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not self.path.exists():
                pem = Ed25519PrivateKey.generate().private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
                try:
                    fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                except FileExistsError:
                    pass  # another process created it first; read theirs below
                else:
                    with os.fdopen(fd, "wb") as handle:
                        handle.write(pem)
            loaded = serialization.load_pem_private_key(self.path.read_bytes(), password=None)
            if not isinstance(loaded, Ed25519PrivateKey):
                raise SigningError(f"{self.path} does not hold an Ed25519 private key")
            self._key = loaded
            return loaded

    def public_key(self) -> bytes:
        return _raw_public(self._private_key().public_key())

    def sign(self, message: bytes) -> bytes:
        return self._private_key().sign(message)


class CommandSigner:
    """A program that signs with a key kept elsewhere (a KMS, a signing host over ssh)."""

    name = "command"

    def __init__(self, command: list[str]) -> None:
        if not command:
            raise SigningError(
                "SAFEKEEP_SIGNING_PROVIDER=command needs SAFEKEEP_SIGNING_COMMAND, the program "
                "that signs"
            )
        self.command = command
        self._public: bytes | None = None

    def describe(self) -> str:
        return f"the signing command {shlex.join(self.command)}"

    def _run(self, verb: str, given: bytes, *, size: int) -> bytes:
        try:
            done = subprocess.run(  # noqa: S603  # nosec B603 # the configured signer, no shell
                [*self.command, verb],
                input=given,
                capture_output=True,
                timeout=COMMAND_TIMEOUT_SECONDS,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SigningError(f"{self.describe()} could not be run: {exc}") from exc
        if done.returncode != 0:
            said = done.stderr.decode(errors="replace").strip()[:300]
            raise SigningError(
                f"{self.describe()} {verb} failed (exit {done.returncode}): {said or 'no message'}"
            )
        try:
            raw = base64.b64decode(done.stdout.strip(), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise SigningError(f"{self.describe()} {verb} did not print base64") from exc
        if len(raw) != size:
            raise SigningError(f"{self.describe()} {verb} printed {len(raw)} bytes, not {size}")
        return raw

    def public_key(self) -> bytes:
        if self._public is None:
            self._public = self._run("public-key", b"", size=32)
        return self._public

    def sign(self, message: bytes) -> bytes:
        return self._run("sign", message, size=64)


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


_signers: dict[tuple[str, str, str], Signer] = {}
_signers_lock = threading.Lock()


def _setting(name: str, default: str = "") -> str:
    from django.conf import settings

    return str(getattr(settings, name, None) or os.environ.get(name) or default)


def get_signer() -> Signer:
    """The configured signer (one instance per setting and data directory)."""
    from django.conf import settings

    choice = _setting("SAFEKEEP_SIGNING_PROVIDER", "file")
    command = _setting("SAFEKEEP_SIGNING_COMMAND")
    cache_key = (choice, str(settings.DATA_DIR), command)
    with _signers_lock:
        cached = _signers.get(cache_key)
        if cached is not None:
            return cached
        signer: Signer
        if choice == "file":
            signer = FileSigner(Path(settings.DATA_DIR) / "keys")
        elif choice == "command":
            signer = CommandSigner(shlex.split(command))
        else:
            module_name, _, class_name = choice.rpartition(".")
            try:
                signer = getattr(importlib.import_module(module_name), class_name)()
            except (ImportError, AttributeError, ValueError) as exc:
                raise SigningError(
                    f"SAFEKEEP_SIGNING_PROVIDER={choice!r} is not 'file', 'command' or an "
                    "importable class"
                ) from exc
            if not isinstance(signer, Signer):
                raise SigningError(f"{choice} does not implement the Signer methods")
        _signers[cache_key] = signer
        return signer


def key_id_for(public_key_raw: bytes) -> str:
    """A short, stable name for a public key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(public_key_raw).hexdigest()[:16]


def public_key(*, signer: Signer | None = None) -> str:
    """The signing public key (base64 raw), to hand to whoever keeps checkpoints."""
    return base64.b64encode((signer or get_signer()).public_key()).decode()


def sign(message: bytes, *, signer: Signer | None = None) -> Signature:
    """Sign `message` with the audit signing key, and check the signature before returning it."""
    signer = signer or get_signer()
    raw_public = signer.public_key()
    raw_signature = signer.sign(message)
    encoded_public = base64.b64encode(raw_public).decode()
    encoded_signature = base64.b64encode(raw_signature).decode()
    try:
        verify(message, signature=encoded_signature, public_key_b64=encoded_public)
    except SigningError as exc:
        raise SigningError(f"{signer.describe()} made a signature that does not verify") from exc
    return Signature(
        key_id=key_id_for(raw_public), public_key=encoded_public, signature=encoded_signature
    )


def verify(message: bytes, *, signature: str, public_key_b64: str) -> None:
    """Raise SigningError unless `signature` is a valid signature of `message` by the key."""
    try:
        raw_public = base64.b64decode(public_key_b64, validate=True)
        raw_signature = base64.b64decode(signature, validate=True)
        Ed25519PublicKey.from_public_bytes(raw_public).verify(raw_signature, message)
    except (InvalidSignature, ValueError) as exc:
        raise SigningError("the signature does not match") from exc


def key_id_for_b64(public_key_b64: str) -> str:
    return key_id_for(base64.b64decode(public_key_b64))


def reset_signers() -> None:
    """Forget cached signers (tests that change DATA_DIR or the signer setting)."""
    with _signers_lock:
        _signers.clear()
