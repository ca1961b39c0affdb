"""`safekeep db-roles [--sql]`: grant the service's PostgreSQL role its rights, as the owner."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from safekeep.audit import roles


class Command(BaseCommand):
    help = (
        "PostgreSQL: give the service's role (DATABASE_URL) SELECT and INSERT only on the "
        "audit log and row rights elsewhere, connecting as the owner "
        "(SAFEKEEP_MIGRATE_DATABASE_URL). `migrate` does this by itself after every run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sql", action="store_true", help="print the statements, run none")

    def handle(self, *args: Any, **options: Any) -> None:
        alias = "default"
        connection = connections[alias]
        if connection.vendor != "postgresql":
            self.stdout.write(
                "SQLite has no database roles: the service and its database file have one "
                "owner, and only the append-only triggers guard the audit log."
            )
            return
        owner = roles.owner_settings(connection.settings_dict)
        if owner is None:
            raise CommandError(
                "SAFEKEEP_MIGRATE_DATABASE_URL is not set, or names DATABASE_URL's own role: "
                "there is no separate owner to grant from. Set it to the owner role's URL "
                f"({roles.SEE})."
            )
        role = roles.service_role(alias)
        with roles.connected_as(connection, owner):
            if options["sql"]:
                for statement in roles.grant_statements(connection, role):
                    self.stdout.write(f"{statement};")
                return
            tables = roles.grant_service_role(connection, role)
        self.stdout.write(
            f"Granted {role!r} its rights on {tables} tables: on the audit log, SELECT and "
            "INSERT only."
        )
