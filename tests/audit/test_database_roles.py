"""PostgreSQL: no session setting opens the triggers, and the service's role can only add.

The service connects as a role with SELECT and INSERT on the audit log (safekeep.audit.roles);
these tests connect as such a role: `SAFEKEEP_TEST_APP_ROLE` (CI makes it), or one created
here when the test database's role may create roles.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.db import DatabaseError, connection, transaction

from safekeep.audit import roles
from safekeep.audit.checkpoints import checkpoint_create
from safekeep.audit.maintenance import APPEND_ONLY_TABLES
from safekeep.audit.verify import verify_log
from safekeep.audit.writing import Origin
from tests.audit.conftest import write_entries
from tests.factories import make_team

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: SQLite has no database roles or session settings.",
)

BYPASS = "SET safekeep.audit_maintenance = 'on'"
COLUMNS = {
    "audit_auditentry": "action",
    "audit_chainlink": "entry_hash",
    "audit_merkletile": "root_hash",
    "audit_checkpoint": "root_hash",
}


@pytest.mark.django_db
def test_the_old_session_setting_no_longer_opens_the_triggers() -> None:
    write_entries(256)  # a row in every table, a Merkle tile too
    checkpoint_create(origin=Origin.command("test"))
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no FK checks left waiting
        cursor.execute(BYPASS)
        cursor.execute("SELECT set_config('safekeep.audit_maintenance', 'on', false)")
    for table in APPEND_ONLY_TABLES:
        for statement in (f"DELETE FROM {table}", f"TRUNCATE {table} CASCADE"):  # noqa: S608
            with (
                pytest.raises(DatabaseError, match="audit log is append-only") as caught,
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(statement)
            assert "refused on audit_" in str(caught.value), statement


@pytest.fixture
def service_role() -> str:
    """A login role with no rights of its own, granted what the service gets."""
    role = os.environ.get("SAFEKEEP_TEST_APP_ROLE", "safekeep_test_app")
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = %s)", [role])
        if not cursor.fetchone()[0]:
            try:
                cursor.execute(f"CREATE ROLE {connection.ops.quote_name(role)} LOGIN")
            except DatabaseError as exc:
                pytest.fail(
                    f"cannot create the role {role!r} ({exc}); create it, or name a login role "
                    "with no rights in SAFEKEEP_TEST_APP_ROLE"
                )
    roles.grant_service_role(connection, role)
    return role


@pytest.fixture
def as_service(service_role: str) -> Iterator[str]:
    with roles.connected_as(connection, {**connection.settings_dict, "USER": service_role}):
        yield service_role


def refused(sql: str) -> str:
    with pytest.raises(DatabaseError) as caught, connection.cursor() as cursor:
        cursor.execute(sql)
    return str(caught.value)


@pytest.mark.django_db(transaction=True)
def test_the_service_role_writes_the_log_but_cannot_change_remove_or_unguard_it(
    as_service: str,
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == as_service
    write_entries(300)  # inserts, and the sequencer takes them off its queue
    checkpoint_create(origin=Origin.command("test"))
    team = make_team()  # the rest of the schema: rows as usual
    team.name = "Renamed"
    team.save()
    report = verify_log()
    assert (report.ok, report.entries, report.warnings) == (True, 301, [])
    for table, column in COLUMNS.items():
        for sql in (
            f"UPDATE {table} SET {column} = ''",  # noqa: S608 - fixed names
            f"DELETE FROM {table}",  # noqa: S608
            f"TRUNCATE {table} CASCADE",
        ):
            assert f"permission denied for table {table}" in refused(sql)
        assert "must be owner" in refused(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        assert "must be owner" in refused(f"DROP TRIGGER {table}_append_only ON {table}")
    with connection.cursor() as cursor:
        cursor.execute(BYPASS)
    assert "permission denied for table audit_auditentry" in refused("DELETE FROM audit_auditentry")
    assert "permission denied for schema public" in refused(
        "CREATE OR REPLACE FUNCTION safekeep_audit_append_only() RETURNS trigger"
        " LANGUAGE plpgsql AS 'BEGIN RETURN OLD; END'"
    )
    assert "permission denied" in refused("DELETE FROM django_migrations")


@pytest.fixture
def real_database() -> Iterator[str]:
    """A new database with a real (not test) name, owned by the test database's role."""
    name = f"safekeep_roles_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.mark.django_db(transaction=True)
def test_migrate_runs_as_the_owner_and_the_service_runs_with_only_its_grants(
    service_role: str, real_database: str, tmp_path: Path
) -> None:
    """The whole set-up of docs/operations.md, "Two database roles", with `safekeep` itself."""
    place = connection.settings_dict
    owner = place["USER"]

    def url(user: str) -> str:
        return f"postgres://{user}@{place['HOST']}:{place['PORT']}/{real_database}"

    env = {k: v for k, v in os.environ.items() if k != "SAFEKEEP_TEST_DB_NAME"}
    env |= {
        "DATABASE_URL": url(service_role),
        "SAFEKEEP_MIGRATE_DATABASE_URL": url(owner),
        "SAFEKEEP_DATA_DIR": str(tmp_path / "var"),
        "SAFEKEEP_AUDIT_WITNESS": f"dir:{tmp_path / 'witness-share'}",  # storage of its own
        "SAFEKEEP_AUDIT_SEQUENCER": "sync",
    }

    def run(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own command, fixed arguments
            [str(Path(sys.executable).with_name("safekeep")), *args],
            env=env | extra,
            capture_output=True,
            text=True,
            timeout=300,
        )

    migrated = run("migrate", "--noinput", "--verbosity", "0")
    assert (migrated.returncode, migrated.stderr) == (0, "")
    for _ in range(2):
        assert run("audit", "checkpoint").returncode == 0  # as the service's role
    verified = run("audit", "verify", "--no-progress")
    assert (verified.returncode, verified.stderr) == (0, "")
    assert "\nAudit log intact: 2 entries, 2 checkpoints checked" in verified.stdout

    refused = run("migrate", "audit", "zero", "--noinput")
    assert refused.returncode == 1
    assert "Refused: this migration would unapply audit.0001_initial" in refused.stderr
    granted = run("db-roles")
    assert granted.stdout.startswith(f"Granted '{service_role}' its rights on ")

    with psycopg.connect(url(service_role), autocommit=True) as service:
        for sql in ("DELETE FROM audit_auditentry", "TRUNCATE audit_checkpoint"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                service.execute(sql)
        updatable = service.execute(
            "SELECT count(*) FROM information_schema.role_table_grants WHERE grantee = %s"
            " AND privilege_type = 'UPDATE'",
            [service_role],
        ).fetchone()
        assert updatable is not None and updatable[0] > 20  # the rest is the service's to change

    as_owner = run("audit", "verify", "--no-progress", DATABASE_URL=url(owner))
    assert f"Safekeep is connected to PostgreSQL as '{owner}', which owns the audit tables" in (
        as_owner.stderr
    )
    unset = run("migrate", "--noinput", SAFEKEEP_MIGRATE_DATABASE_URL="", DATABASE_URL=url(owner))
    assert "Warning: SAFEKEEP_MIGRATE_DATABASE_URL is not set" in unset.stderr
