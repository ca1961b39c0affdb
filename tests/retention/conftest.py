"""Retention tests make keys and a disposal ledger: each gets its own data directory."""

from __future__ import annotations

from tests.crypto.conftest import data_dir, forget

__all__ = ["data_dir", "forget"]
