"""What may be done to the audit tables themselves: wiping a *test* database, and nothing else.

Test suites empty every table between transactional tests (Django's `flush`). That is the
one sanctioned way past the append-only triggers, and only on a database whose name marks
it as a test database. On a real database the audit log is never wiped (`flush` is
refused) and never taken back (`migrate` refuses any plan that unapplies an audit
migration, whichever app it starts from).

No session setting opens the triggers. On PostgreSQL the wipe disables them for its own
transaction with `ALTER TABLE ... DISABLE TRIGGER`, which only the tables' owner may run
(the service connects as a role that may only SELECT and INSERT: `safekeep.audit.roles`).
On SQLite the triggers ask `safekeep_audit_maintenance()`, a function Safekeep registers on
each of its own connections (`AuditConfig.ready`) and that is true only during the wipe.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.management import CommandError
from django.db import connections, transaction

_WIPING = "_safekeep_audit_wiping"

# The tables whose triggers refuse UPDATE and DELETE (migration audit/0002).
APPEND_ONLY_TABLES = ("audit_auditentry", "audit_chainlink", "audit_merkletile", "audit_checkpoint")


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
    """True only while `wiping_test_database` runs on this connection to a test database."""
    return bool(getattr(connection, _WIPING, False)) and is_test_database(connection)


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
            # Disabled inside one transaction: no other session ever sees them off.
            with transaction.atomic(using=connection.alias):
                _set_triggers(connection, "DISABLE")
                yield
                _set_triggers(connection, "ENABLE")
        else:
            yield
    finally:
        setattr(connection, _WIPING, False)


def _set_triggers(connection: Any, state: str) -> None:
    with connection.cursor() as cursor:
        for table in APPEND_ONLY_TABLES:
            cursor.execute(f"ALTER TABLE {connection.ops.quote_name(table)} {state} TRIGGER USER")


def refuse_taking_audit_back(
    *, plan: Sequence[tuple[Any, bool]], using: str, **_signal: Any
) -> None:
    """Receives `pre_migrate`: a plan that unapplies an audit migration on a real database
    is refused before anything runs.

    `migrate audit zero` drops the log; `migrate audit 0001` drops its triggers; going back
    in an app whose migrations depend on the audit app's takes the audit app back with it.
    """
    unapplied = [
        f"{migration.app_label}.{migration.name}"
        for migration, backwards in plan
        if backwards and migration.app_label == "audit"
    ]
    if not unapplied or is_test_database(connections[using]):
        return
    raise CommandError(
        "Refused: this migration would unapply "
        + ", ".join(sorted(unapplied))
        + ", which would drop the audit log or its append-only protection. The audit log "
        "of a real database is never taken back; nothing has been changed."
    )
