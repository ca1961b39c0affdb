from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _files_and_fast_passwords(tmp_path: Path, settings: Any) -> None:
    """Uploaded documents go to this test's own data directory; password hashing is cheap
    here because these tests are about records, not sign-in."""
    settings.DATA_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
