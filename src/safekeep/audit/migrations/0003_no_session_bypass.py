"""PostgreSQL: the append-only function no longer listens to any session setting.

Until now it let DELETE and TRUNCATE through whenever the session had set
`safekeep.audit_maintenance` to `on`, which any session could do. Now it refuses every
UPDATE, DELETE and TRUNCATE; the test-database wipe disables the triggers instead, which
only the tables' owner can (safekeep.audit.maintenance). SQLite's triggers are unchanged:
its guard function is Safekeep's own, on its own connections, and true only during that wipe.

Unapplying this migration leaves the strict function in place: there is no way back to the
bypass (and on a real database `migrate` refuses to unapply it at all).
"""

from django.db import migrations

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION safekeep_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit log is append-only: % refused on %', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def replace_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [migrations.RunPython(replace_function, migrations.RunPython.noop)]
