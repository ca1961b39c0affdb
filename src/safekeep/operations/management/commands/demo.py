"""`safekeep demo`: load the fictional demo council and print how to sign in as each role."""

from __future__ import annotations

import time
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from safekeep.operations.demo import DEFAULT_SEED, demo_load
from safekeep.operations.demo.council import demo_sign_ins
from safekeep.operations.demo.devices import CASEWORK_DEMO_ROLES, demo_laptop_enrolment_code
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
        console = Console(file=cast(IO[str], self.stdout._out), highlight=False, width=120)
        if StaffMember.objects.exists():
            if options["if_empty"]:
                console.print("The database already holds staff, so the demo was not loaded.")
                _print_sign_ins(console, with_codes=False)
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
        _print_sign_ins(console, with_codes=True)


def _print_sign_ins(console: Console, *, with_codes: bool) -> None:
    """The demo sign-ins, and how to make this browser an enrolled council laptop."""
    sign_ins = demo_sign_ins()
    if not sign_ins:
        return
    table = Table(title="Demo sign-ins", title_justify="left")
    table.add_column("role")
    table.add_column("email (username)")
    table.add_column("password")
    if with_codes:
        table.add_column("laptop enrolment code")
    for sign_in in sign_ins:
        row = [sign_in.role, sign_in.email, sign_in.password]
        if with_codes:
            casework = sign_in.role in CASEWORK_DEMO_ROLES
            row.append(demo_laptop_enrolment_code(sign_in.email) if casework else "")
        table.add_row(*row)
    console.print(table)
    console.print("The two-factor code for a demo account: .venv/bin/safekeep demo-code EMAIL")
    console.print(
        "Case content opens only on an enrolled, compliant device. To use this browser as a "
        "demo person's council laptop, open /devices/enrol/ and type their laptop enrolment "
        "code (valid 24 hours; a new one: .venv/bin/safekeep demo-code EMAIL --enrol)."
    )
