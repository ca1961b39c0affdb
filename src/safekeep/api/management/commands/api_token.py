"""`safekeep api-token create --user EMAIL [--name NAME]`: a token, printed once, on the last
line, after the day it expires."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safekeep.accounts.models import User
from safekeep.api.services import TokenError, api_token_create
from safekeep.audit.writing import Origin


class Command(BaseCommand):
    help = "Create an API token for a person. The token is printed once and stored hashed."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="create a token")
        create.add_argument("--user", required=True, help="the person's email address")
        create.add_argument("--name", default="command line", help="a label for the token")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["user"].strip().lower()
        user = User.objects.filter(username__iexact=email).select_related("staff").first()
        if user is None:
            raise CommandError(f"There is no account for {email}.")
        try:
            token, plain = api_token_create(
                user=user, name=options["name"], origin=Origin.command("api-token")
            )
        except TokenError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Expires {token.expires_at:%Y-%m-%d %H:%M %Z}.")
        self.stdout.write(plain)
        self.stderr.write("Keep this token secret; it will not be shown again.")
