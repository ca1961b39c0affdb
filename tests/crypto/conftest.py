"""Every crypto test gets its own data directory (so its own key files) and empty key caches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from safekeep.crypto import blind_index, envelope, keys, providers


def _forget() -> None:
    providers.reset_providers()
    keys.forget_cached_keys()
    envelope.forget_cached_data_keys()
    blind_index._derived.clear()


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    directory = tmp_path / "data"
    directory.mkdir()
    settings.DATA_DIR = directory
    monkeypatch.delenv("SAFEKEEP_KEY_PROVIDER", raising=False)
    _forget()
    yield directory
    _forget()


@pytest.fixture
def forget() -> Any:
    """Call to drop cached keys, as a fresh process would."""
    return _forget
