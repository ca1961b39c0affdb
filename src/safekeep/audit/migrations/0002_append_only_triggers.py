"""The database itself refuses UPDATE and DELETE on the audit tables (docs/audit.md).

Only `flush` on a test database gets past them (safekeep.audit.maintenance; 0003 removed the
session setting this PostgreSQL function once listened to). SQLite drops a
table's triggers when a migration rebuilds the table: a later migration that alters these
tables must run `create_triggers` again (and `audit verify` warns if any trigger is missing).
"""

from django.db import migrations

TABLES = ("audit_auditentry", "audit_chainlink", "audit_merkletile", "audit_checkpoint")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION safekeep_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'TRUNCATE')
     AND current_setting('safekeep.audit_maintenance', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit log is append-only: % refused on %', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def pg_create(table: str) -> str:
    return (
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION safekeep_audit_append_only();"
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION safekeep_audit_append_only();"
    )


def sqlite_create(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} BEGIN "
        f"SELECT RAISE(ABORT, 'audit log is append-only: UPDATE refused on {table}'); END;",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        "WHEN safekeep_audit_maintenance() = 0 BEGIN "
        f"SELECT RAISE(ABORT, 'audit log is append-only: DELETE refused on {table}'); END;",
    ]


def create_triggers(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)
        for table in TABLES:
            schema_editor.execute(pg_create(table))
    elif connection.vendor == "sqlite":
        for table in TABLES:
            for statement in sqlite_create(table):
                schema_editor.execute(statement)
    else:
        raise NotImplementedError(f"no append-only triggers for {connection.vendor}")


def drop_triggers(apps, schema_editor):
    connection = schema_editor.connection
    for table in TABLES:
        if connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update;")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete;")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
