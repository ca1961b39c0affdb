"""The one sanctioned way past the append-only triggers: wiping a *test* database.

Test suites empty every table between transactional tests (Django's `flush`). The triggers
allow DELETE and TRUNCATE (never UPDATE) while this module says a wipe is running, and it
only says so for a database whose name marks it as a test database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_WIPING = "_safekeep_audit_wiping"


class NotATestDatabase(Exception):
    """Refused: the audit log of a real database is never wiped."""


def is_test_database(connection: Any) -> bool:
    name = str(connection.settings_dict.get("NAME") or "")
    test_name = (connection.settings_dict.get("TEST") or {}).get("NAME")
    return (
        (bool(test_name) and name == test_name)
        or name.startswith("test_")
        or "mode=memory" in name
        or name == ":memory:"
    )


def is_wiping(connection: Any) -> bool:
    return bool(getattr(connection, _WIPING, False))


@contextmanager
def wiping_test_database(connection: Any) -> Iterator[None]:
    if not is_test_database(connection):
        raise NotATestDatabase(
            "Refused: flushing would erase the audit log, which is append-only. "
            "Only a test database may be flushed."
        )
    setattr(connection, _WIPING, True)
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('safekeep.audit_maintenance', 'on', false)")
        yield
    finally:
        setattr(connection, _WIPING, False)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('safekeep.audit_maintenance', 'off', false)")
