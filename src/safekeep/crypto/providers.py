"""Key providers: where the key-encryption keys (KEKs) and the blind-index key come from.

Safekeep never stores a KEK in its database. A provider holds them and does two things
with them: wrap (encrypt) a data key and unwrap it. A council that runs a key management
service (KMS or HSM) writes a class with the `KeyProvider` methods below, where `wrap` and
`unwrap` call the KMS, and names it in `SAFEKEEP_KEY_PROVIDER=package.module.ClassName`.

Built in:

- `file` (default): `<DATA_DIR>/keys/kek.keys` and `<DATA_DIR>/keys/blind-index.key`,
  created on first run with owner-only permissions (0600, directory 0700). A key file that
  other users can read is refused.
- `env`: `SAFEKEEP_KEKS="1:<base64 key>,2:<base64 key>"` and
  `SAFEKEEP_BLIND_INDEX_KEY=<base64 key>`, for containers whose secrets arrive as
  environment variables. It cannot create keys: `safekeep keys generate` prints one.

See docs/crypto.md, "Key providers".
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import fcntl
import importlib
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable

from safekeep.crypto import _aead
from safekeep.crypto.errors import DecryptionFailed, KeyConfigurationError, KeyMissing

KEK_FILE = "kek.keys"
BLIND_INDEX_FILE = "blind-index.key"


@runtime_checkable
class KeyProvider(Protocol):
    """What Safekeep needs from a key store. Implement this to plug in a council's KMS."""

    name: str

    def describe(self) -> str:
        """Where the keys are, for operators' messages (never the keys themselves)."""
        ...

    def available_versions(self) -> list[int]:
        """KEK versions this provider can use, ascending. Empty before the first key exists."""
        ...

    def create_version(self) -> int:
        """Make a new KEK and return its version (greater than every existing version)."""
        ...

    def destroy_version(self, version: int) -> None:
        """Forget a retired KEK. Called only when no data key is wrapped by it."""
        ...

    def wrap(self, version: int, data_key: bytes, aad: bytes) -> bytes:
        """Encrypt a data key under KEK `version`, bound to `aad`. Raise KeyMissing if absent."""
        ...

    def unwrap(self, version: int, wrapped: bytes, aad: bytes) -> bytes:
        """Inverse of `wrap`. Raise KeyMissing if absent, DecryptionFailed if it does not open."""
        ...

    def blind_index_key(self) -> bytes:
        """The 32-byte HMAC key for blind indexes. Raise KeyMissing if there is none."""
        ...

    def create_blind_index_key(self) -> bytes:
        """Make the blind-index key (first run only) and return it."""
        ...


def generate_key_text() -> str:
    """A new random 256-bit key as base64, for operators who hold keys outside Safekeep."""
    return base64.b64encode(_aead.new_key()).decode()


def _decode_key(text: str, *, where: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise KeyConfigurationError(f"{where} is not valid base64") from exc
    if len(raw) != _aead.KEY_BYTES:
        raise KeyConfigurationError(f"{where} must be a 32-byte key, not {len(raw)} bytes")
    return raw


class LocalKeyProvider:
    """Shared behaviour of providers that hold the raw KEKs in this process."""

    name = "local"

    def describe(self) -> str:
        return self.name

    def _keks(self) -> dict[int, bytes]:
        raise NotImplementedError

    def available_versions(self) -> list[int]:
        return sorted(self._keks())

    def _kek(self, version: int) -> bytes:
        key = self._keks().get(version)
        if key is None:
            raise KeyMissing(
                f"key-encryption key version {version} is not available from {self.describe()}"
            )
        return key

    def wrap(self, version: int, data_key: bytes, aad: bytes) -> bytes:
        return _aead.seal(self._kek(version), data_key, aad)

    def unwrap(self, version: int, wrapped: bytes, aad: bytes) -> bytes:
        try:
            return _aead.open_sealed(self._kek(version), wrapped, aad)
        except _aead.AuthenticationFailed as exc:
            raise DecryptionFailed(
                f"a data key does not open with key-encryption key version {version}"
            ) from exc


class FileKeyProvider(LocalKeyProvider):
    """Keys in owner-only files in `<DATA_DIR>/keys` (the default)."""

    name = "file"

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._lock = threading.Lock()
        self._parsed: tuple[tuple[int, int, int, int], dict[int, bytes]] | None = None

    def describe(self) -> str:
        return f"the key file {self.directory / KEK_FILE}"

    # --- files -------------------------------------------------------------------------
    def _ensure_directory(self) -> None:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        """Serialise key-file changes between processes (two rotations never race)."""
        self._ensure_directory()
        fd = os.open(self.directory / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            with self._lock:
                fcntl.flock(fd, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def _read_private(self, path: Path) -> str | None:
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            return None
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise KeyConfigurationError(
                f"{path} can be read by other users (mode {stat.S_IMODE(mode):04o}); "
                f"run: chmod 600 {path}"
            )
        return path.read_text()

    def _write_private(self, path: Path, text: str) -> None:
        """Write a new version of a key file atomically: a 0600 temporary file, then rename."""
        self._ensure_directory()
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)

    def _keks(self) -> dict[int, bytes]:
        path = self.directory / KEK_FILE
        try:
            info = path.stat()
        except FileNotFoundError:
            return {}
        # Parsed once per version of the file (a rotation or restore replaces it).
        stamp = (info.st_ino, info.st_mtime_ns, info.st_size, info.st_mode)
        if self._parsed is not None and self._parsed[0] == stamp:
            return self._parsed[1]
        text = self._read_private(path)
        if text is None:
            return {}
        keys: dict[int, bytes] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            version_text, _, key_text = line.partition(" ")
            if not version_text.isdigit():
                raise KeyConfigurationError(f"{path} line {number} does not start with a version")
            keys[int(version_text)] = _decode_key(key_text, where=f"{path} line {number}")
        self._parsed = (stamp, keys)
        return keys

    def _write_keks(self, keys: dict[int, bytes]) -> None:
        lines = ["# Safekeep key-encryption keys: version, base64 key. Keep secret; back up."]
        lines += [f"{v} {base64.b64encode(k).decode()}" for v, k in sorted(keys.items())]
        self._write_private(self.directory / KEK_FILE, "\n".join(lines) + "\n")

    # --- provider ----------------------------------------------------------------------
    def create_version(self) -> int:
        with self._exclusive():
            keys = dict(self._keks())
            version = max(keys, default=0) + 1
            keys[version] = _aead.new_key()
            self._write_keks(keys)
            return version

    def destroy_version(self, version: int) -> None:
        with self._exclusive():
            keys = dict(self._keks())
            if keys.pop(version, None) is not None:
                self._write_keks(keys)

    def blind_index_key(self) -> bytes:
        path = self.directory / BLIND_INDEX_FILE
        text = self._read_private(path)
        if text is None:
            raise KeyMissing(f"the blind-index key file {path} is missing")
        return _decode_key(text, where=str(path))

    def create_blind_index_key(self) -> bytes:
        with self._exclusive():
            path = self.directory / BLIND_INDEX_FILE
            if self._read_private(path) is None:
                self._write_private(path, generate_key_text() + "\n")
            return self.blind_index_key()


class EnvKeyProvider(LocalKeyProvider):
    """Keys from environment variables; the operator creates and removes them."""

    name = "env"
    KEKS_VARIABLE = "SAFEKEEP_KEKS"
    BLIND_INDEX_VARIABLE = "SAFEKEEP_BLIND_INDEX_KEY"

    def describe(self) -> str:
        return f"the environment variable {self.KEKS_VARIABLE}"

    def _keks(self) -> dict[int, bytes]:
        raw = os.environ.get(self.KEKS_VARIABLE, "")
        keys: dict[int, bytes] = {}
        for position, item in enumerate(filter(None, (p.strip() for p in raw.split(","))), 1):
            version_text, separator, key_text = item.partition(":")
            if not separator or not version_text.isdigit():
                raise KeyConfigurationError(
                    f"{self.KEKS_VARIABLE} item {position} must look like VERSION:BASE64KEY"
                )
            keys[int(version_text)] = _decode_key(
                key_text, where=f"{self.KEKS_VARIABLE} version {version_text}"
            )
        return keys

    def create_version(self) -> int:
        version = max(self._keks(), default=0) + 1
        raise KeyConfigurationError(
            f"the env key provider cannot create keys: add '{version}:<key>' to "
            f"{self.KEKS_VARIABLE} (`safekeep keys generate` prints a new key) and run again"
        )

    def destroy_version(self, version: int) -> None:
        """Nothing to do here: the operator removes the version from the environment."""

    def blind_index_key(self) -> bytes:
        raw = os.environ.get(self.BLIND_INDEX_VARIABLE, "")
        if not raw.strip():
            raise KeyMissing(f"the environment variable {self.BLIND_INDEX_VARIABLE} is not set")
        return _decode_key(raw, where=self.BLIND_INDEX_VARIABLE)

    def create_blind_index_key(self) -> bytes:
        raise KeyMissing(
            f"the environment variable {self.BLIND_INDEX_VARIABLE} is not set "
            "(`safekeep keys generate` prints a new key)"
        )


_providers: dict[tuple[str, str], KeyProvider] = {}
_providers_lock = threading.Lock()


def provider_setting() -> str:
    from django.conf import settings

    configured = getattr(settings, "SAFEKEEP_KEY_PROVIDER", None)
    return str(configured or os.environ.get("SAFEKEEP_KEY_PROVIDER") or "file")


def get_provider() -> KeyProvider:
    """The configured provider (one instance per setting and data directory)."""
    from django.conf import settings

    choice = provider_setting()
    data_dir = str(settings.DATA_DIR)
    with _providers_lock:
        cached = _providers.get((choice, data_dir))
        if cached is not None:
            return cached
        provider: KeyProvider
        if choice == "file":
            provider = FileKeyProvider(Path(data_dir) / "keys")
        elif choice == "env":
            provider = EnvKeyProvider()
        else:
            module_name, _, class_name = choice.rpartition(".")
            try:
                provider_class = getattr(importlib.import_module(module_name), class_name)
            except (ImportError, AttributeError, ValueError) as exc:
                raise KeyConfigurationError(
                    f"SAFEKEEP_KEY_PROVIDER={choice!r} is not 'file', 'env' or an importable class"
                ) from exc
            provider = provider_class()
            if not isinstance(provider, KeyProvider):
                raise KeyConfigurationError(f"{choice} does not implement the KeyProvider methods")
        _providers[(choice, data_dir)] = provider
        return provider


def reset_providers() -> None:
    """Forget cached providers (tests that change DATA_DIR or the provider setting)."""
    with _providers_lock:
        _providers.clear()
