"""Two PostgreSQL roles: the owner migrates; the service may only add to the audit log.

Triggers stop mistakes, but the tables' owner can drop them. So on PostgreSQL the service
(`DATABASE_URL`) connects as a role that owns nothing: on the audit log it may only SELECT
and INSERT (and take entries off the sequencer's queue); on every other table it reads and
writes rows as usual. Migrations run as the owner (`SAFEKEEP_MIGRATE_DATABASE_URL`, the same
database): `safekeep migrate` connects as it, and after every migrate re-grants the
service's role its rights table by table, so tables added later are covered too.
`safekeep db-roles` grants (or prints) the same on demand. docs/operations.md, "Two
database roles", is the set-up for the council's database team.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.management import CommandError
from django.db import connections, transaction

from safekeep.audit.maintenance import APPEND_ONLY_TABLES, is_test_database
from safekeep.config import database_settings

SEE = 'docs/operations.md, "Two database roles"'
ROWS = "SELECT, INSERT, UPDATE, DELETE"
# Anything not named here gets ROWS; nothing gets TRUNCATE, REFERENCES or TRIGGER.
PRIVILEGES = {
    **{table: "SELECT, INSERT" for table in APPEND_ONLY_TABLES},
    "audit_pendingentry": "SELECT, INSERT, DELETE",  # the sequencer's queue
    "django_migrations": "SELECT",  # the service never migrates
}


def owner_settings(runtime: dict[str, Any]) -> dict[str, Any] | None:
    """The connection settings of the owner role, or None when no separate owner is set.

    Only the role (user and password) may differ from the service's: a URL that names
    another database is refused rather than migrated.
    """
    url = settings.SAFEKEEP_MIGRATE_DATABASE_URL
    if not url:
        return None
    owner = database_settings(url)
    if _place(owner) != _place(runtime):
        raise CommandError(
            f"SAFEKEEP_MIGRATE_DATABASE_URL names {_place(owner)}, but DATABASE_URL names "
            f"{_place(runtime)}: both must name the same database; only the role differs."
        )
    if owner.get("USER") == runtime.get("USER"):
        return None
    return {**runtime, "USER": owner.get("USER"), "PASSWORD": owner.get("PASSWORD")}


def _place(database: Mapping[str, object]) -> str:
    """Which database, on which server (PostgreSQL's port 5432 unless given)."""
    port = database.get("PORT") or 5432
    return f"database {database.get('NAME')!r} on {database.get('HOST') or 'localhost'}:{port}"


@contextmanager
def connected_as(connection: Any, settings_dict: dict[str, Any]) -> Iterator[None]:
    """Run the body on `connection` reconnected with `settings_dict`, then put it back."""
    original = connection.settings_dict
    connection.close()
    connection.settings_dict = settings_dict
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict = original


@contextmanager
def as_owner(alias: str, *, warn: Callable[[str], Any]) -> Iterator[None]:
    """Run the body as the owner role on PostgreSQL; say so when there is no separate owner.

    A test database is used by the one role that created it, as is SQLite (no roles).
    """
    connection = connections[alias]
    if connection.vendor != "postgresql" or is_test_database(connection):
        yield
        return
    owner = owner_settings(connection.settings_dict)
    if owner is None:
        warn(
            "Warning: SAFEKEEP_MIGRATE_DATABASE_URL is not set (or names DATABASE_URL's own "
            f"role), so this runs as {connection.settings_dict.get('USER')!r}, the role the "
            "service uses. That role then owns the audit tables and could drop their "
            f"append-only triggers: give the service a role of its own ({SEE})."
        )
        yield
        return
    with connected_as(connection, owner):
        yield


def service_role(alias: str) -> str:
    """The role the service connects as (DATABASE_URL's user)."""
    return str(settings.DATABASES[alias].get("USER") or "")


def grant_statements(connection: Any, role: str) -> list[str]:
    """What the service's role may do, table by table, from nothing (so rerunning is safe)."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_schema(), EXISTS (SELECT FROM pg_roles WHERE rolname = %s)", [role]
        )
        schema, exists = cursor.fetchone()
    if not exists:
        raise CommandError(
            f"The service's role {role!r} (DATABASE_URL) does not exist on this PostgreSQL "
            f"server: create it first ({SEE})."
        )
    who, where = qn(role), qn(schema)
    statements = [
        f"GRANT USAGE ON SCHEMA {where} TO {who}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {where} FROM {who}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {where} TO {who}",
    ]
    for table in sorted(connection.introspection.table_names()):
        statements.append(f"REVOKE ALL ON TABLE {qn(table)} FROM {who}")
        statements.append(f"GRANT {PRIVILEGES.get(table, ROWS)} ON TABLE {qn(table)} TO {who}")
    return statements


def grant_service_role(connection: Any, role: str) -> int:
    """Apply `grant_statements` in one transaction; returns how many tables were covered."""
    statements = grant_statements(connection, role)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    return sum(1 for s in statements if s.startswith("GRANT") and " ON TABLE " in s)


def grant_after_migrate(*, using: str, **_signal: Any) -> None:
    """Receives `post_migrate`: migrating as the owner re-grants the service's role."""
    connection = connections[using]
    role = service_role(using)
    if connection.vendor == "postgresql" and role and connection.settings_dict.get("USER") != role:
        grant_service_role(connection, role)
