"""`safekeep demo`: load the fictional demo council and print how to sign in as each role."""

from __future__ import annotations

import time
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from safekeep.core.demo import DEFAULT_SEED, demo_load
from safekeep.organisation.demo import demo_sign_ins
from safekeep.organisation.models import StaffMember


class Command(BaseCommand):
    help = (
        "Load the fictional demo council (591 employees who work with vulnerable people, "
        "teams, sites, volunteers, one sign-in per role). For trying Safekeep out only: "
        "never load it into a live database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing if the database already holds any staff",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"the random seed; the same seed gives the same council (default {DEFAULT_SEED})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=cast(IO[str], self.stdout._out), highlight=False, width=100)
        if StaffMember.objects.exists():
            if options["if_empty"]:
                console.print("The database already holds staff, so the demo was not loaded.")
                return
            raise CommandError(
                "The database already holds staff. The demo council can only be loaded into "
                "an empty database (use --if-empty to skip it quietly)."
            )
        started = time.perf_counter()
        runs = demo_load(seed=options["seed"], today=timezone.localdate(), console=console)
        elapsed = time.perf_counter() - started
        loaded = [run for run in runs if not run.skipped]
        console.print(
            f"Loaded the demo council in {elapsed:.1f}s "
            f"({len(loaded)} of {len(runs)} parts, seed {options['seed']})."
        )
        table = Table(title="Demo sign-ins", title_justify="left")
        table.add_column("role")
        table.add_column("email (username)")
        table.add_column("password")
        for sign_in in demo_sign_ins():
            table.add_row(sign_in.role, sign_in.email, sign_in.password)
        console.print(table)
        console.print("The two-factor code for a demo account: .venv/bin/safekeep demo-code EMAIL")
