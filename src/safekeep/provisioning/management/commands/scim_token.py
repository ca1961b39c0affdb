"""`safekeep scim-token create [--name NAME]`: the provisioning client's bearer token,
printed once, on the last line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safekeep.audit.writing import Origin
from safekeep.provisioning.tokens import scim_client_create


class Command(BaseCommand):
    help = "Create the bearer token of a SCIM provisioning client. Printed once, stored hashed."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="create a provisioning client and its token")
        create.add_argument("--name", default="Entra ID", help="the identity system's name")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            client, plain = scim_client_create(
                name=options["name"], origin=Origin.command("scim-token")
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Provisioning client {client.name!r}; its SCIM base URL is /scim/v2/.")
        self.stdout.write(plain)
        self.stderr.write("Keep this token secret; it will not be shown again.")
