"""`safekeep api-token create --user EMAIL [--name NAME]`: a token, printed once."""

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
        if not user.is_active:
            raise CommandError(f"The account for {email} is disabled.")
        try:
            _, plain = api_token_create(
                user=user, name=options["name"], origin=Origin.command("api-token")
            )
        except TokenError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(plain)
        self.stderr.write("Keep this token secret; it will not be shown again.")
