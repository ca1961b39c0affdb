"""Start-up checks: a wrong or missing key stops Safekeep with a message naming what is missing.

`safekeep check`, `migrate` and every management command run the system check below;
`require_keys()` is for entry points that skip system checks (the WSGI application).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection

HINT = (
    "Restore the key file (or SAFEKEEP_KEKS / SAFEKEEP_BLIND_INDEX_KEY) from key custody; "
    "see docs/operations.md, 'Keys'."
)


def _tables_ready() -> bool:
    try:
        return "crypto_keyencryptionkey" in connection.introspection.table_names()
    except DatabaseError:
        return False


def problems() -> list[str]:
    """What stops the keys serving this database (empty when all is well or not migrated yet)."""
    if not _tables_ready():
        return []
    from safekeep.crypto.keys import key_problems

    return key_problems()


@checks.register("safekeep_keys")
def check_keys(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    return [checks.Error(problem, hint=HINT, id="safekeep.crypto.E001") for problem in problems()]


def require_keys() -> None:
    """Raise ImproperlyConfigured listing every key problem; call once when a server starts."""
    found = problems()
    if found:
        raise ImproperlyConfigured("Safekeep cannot start: " + "; ".join(found) + ". " + HINT)
