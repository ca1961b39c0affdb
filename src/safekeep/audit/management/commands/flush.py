"""Django's `flush`, allowed past the audit log's append-only triggers on test databases only."""

from __future__ import annotations

from typing import Any

from django.core.management import CommandError
from django.core.management.commands import flush
from django.db import connections

from safekeep.audit.maintenance import NotATestDatabase, wiping_test_database


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        try:
            with wiping_test_database(connection):
                super().handle(**options)
        except NotATestDatabase as exc:
            raise CommandError(str(exc)) from exc
