"""gunicorn skips Django's system checks, so the WSGI module itself refuses bad keys."""

from __future__ import annotations

import importlib
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from safekeep.crypto import checks


def test_wsgi_refuses_to_start_without_the_right_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        checks, "problems", lambda: ["key-encryption key version 1 is not available"]
    )
    monkeypatch.delitem(sys.modules, "safekeep.wsgi", raising=False)
    with pytest.raises(ImproperlyConfigured) as error:
        importlib.import_module("safekeep.wsgi")
    assert str(error.value).startswith(
        "Safekeep cannot start: key-encryption key version 1 is not available. Restore the key"
    )


def test_wsgi_starts_with_the_right_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checks, "problems", lambda: [])
    monkeypatch.delitem(sys.modules, "safekeep.wsgi", raising=False)
    assert importlib.import_module("safekeep.wsgi").application is not None
