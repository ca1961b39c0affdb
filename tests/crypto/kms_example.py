"""An example KeyProvider standing in for a council's KMS (docs/crypto.md shows the same shape)."""

from __future__ import annotations

from safekeep.crypto import _aead
from safekeep.crypto.errors import DecryptionFailed, KeyMissing

_KEYS: dict[int, bytes] = {}


class InMemoryKms:
    name = "in-memory-kms"

    def describe(self) -> str:
        return "the in-memory test KMS"

    def available_versions(self) -> list[int]:
        return sorted(_KEYS)

    def create_version(self) -> int:
        version = max(_KEYS, default=0) + 1
        _KEYS[version] = _aead.new_key()
        return version

    def destroy_version(self, version: int) -> None:
        _KEYS.pop(version, None)

    def wrap(self, version: int, data_key: bytes, aad: bytes) -> bytes:
        if version not in _KEYS:
            raise KeyMissing(f"KMS key {version} is missing")
        return _aead.seal(_KEYS[version], data_key, aad)

    def unwrap(self, version: int, wrapped: bytes, aad: bytes) -> bytes:
        if version not in _KEYS:
            raise KeyMissing(f"KMS key {version} is missing")
        try:
            return _aead.open_sealed(_KEYS[version], wrapped, aad)
        except _aead.AuthenticationFailed as exc:
            raise DecryptionFailed("KMS could not unwrap") from exc

    def blind_index_key(self) -> bytes:
        return bytes(32)

    def create_blind_index_key(self) -> bytes:
        return bytes(32)
