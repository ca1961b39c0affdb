from typing import Any

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "safekeep.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate, pre_migrate

        from safekeep.audit import checks, receivers, roles  # noqa: F401  (checks: the system check)
        from safekeep.audit.maintenance import refuse_taking_audit_back
        from safekeep.audit.sequencer import after_commit
        from safekeep.audit.writing import entries_committed

        connection_created.connect(_register_sqlite_guard, dispatch_uid="safekeep-audit-guard")
        entries_committed.connect(after_commit, dispatch_uid="safekeep-audit-sequencer")
        # Sent once per app: as the audit app's, each runs once per `migrate`.
        pre_migrate.connect(refuse_taking_audit_back, sender=self, dispatch_uid="safekeep-keep")
        post_migrate.connect(roles.grant_after_migrate, sender=self, dispatch_uid="safekeep-grant")
        receivers.connect()


def _register_sqlite_guard(sender: Any, connection: Any, **kwargs: Any) -> None:
    """SQLite's append-only triggers ask this function whether a test-database wipe is running.

    It is true only during `flush` on a test database (`maintenance.is_wiping`). Any other
    program opening the file lacks the function, so its UPDATE or DELETE fails too.
    """
    if connection.vendor != "sqlite":
        return
    from safekeep.audit.maintenance import is_wiping

    connection.connection.create_function(
        "safekeep_audit_maintenance", 0, lambda: 1 if is_wiping(connection) else 0
    )
