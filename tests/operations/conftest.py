"""Operations tests make and read keys: each gets the crypto tests' own data directory."""

from __future__ import annotations

from tests.crypto.conftest import data_dir, forget

__all__ = ["data_dir", "forget"]
