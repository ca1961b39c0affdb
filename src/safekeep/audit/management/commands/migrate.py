"""Django's `migrate`, run as the tables' owner on PostgreSQL (safekeep.audit.roles).

A plan that would take the audit app back on a real database is refused before anything
runs (`maintenance.refuse_taking_audit_back`, on `pre_migrate`).
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import migrate

from safekeep.audit.roles import as_owner


class Command(migrate.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        with as_owner(options["database"], warn=self.stderr.write):
            super().handle(*args, **options)
