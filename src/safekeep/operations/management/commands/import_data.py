"""`safekeep import KIND FILE.csv`: an all-or-nothing, idempotent CSV import.

The formats and the error format are in docs/data-formats.md.
"""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console

from safekeep.audit.writing import Origin
from safekeep.core.csv_import import (
    ImportFailed,
    ImportOptions,
    UnknownImportKind,
    get_importer,
    importer_kinds,
    run_import,
)
from safekeep.organisation.models import StaffMember


def operating_system_user() -> str:
    """Who is logged in to run the command (the audit log names them beside any staff id)."""
    try:
        return getpass.getuser()
    except OSError:  # no name for this uid (e.g. a container without one)
        return f"uid {os.getuid()}"


def import_origin(kind: str, actor: str) -> Origin:
    """The audit origin of an import: the operating-system user, and the staff id given with
    --actor, which must be a member of staff who has not left (an unknown id is an error)."""
    staff_id = actor.strip()
    if staff_id:
        staff = StaffMember.objects.filter(staff_id=staff_id).first()
        if staff is None:
            raise CommandError(
                f"--actor {staff_id!r}: there is no member of staff with that staff id. "
                "Give your own staff id (import staff first), or leave --actor out."
            )
        if staff.is_leaver():
            raise CommandError(
                f"--actor {staff_id!r}: that member of staff left on {staff.end_date}. "
                "Give your own staff id."
            )
    command = Origin.command(f"import {kind}", staff_id=staff_id)
    who = f"{command.actor_username} (operating-system user {operating_system_user()})"
    return replace(command, actor_username=who)


class Command(BaseCommand):
    help = (
        "Import a CSV file of KIND (staff, cases, devices, ...). The whole file is checked "
        "first: any problem rejects it with every problem listed by line and column, and "
        "nothing is changed. Importing the same file again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = ", ".join(importer_kinds()) or "none registered"
        parser.add_argument("kind", help=f"what the file holds: {kinds}")
        parser.add_argument("file", help="the CSV file (UTF-8, header row first); - reads stdin")
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="create directorates and teams the file names that do not exist yet "
            "(by default they are errors)",
        )
        parser.add_argument(
            "--actor",
            default="",
            metavar="STAFF_ID",
            help="your staff id, for the audit log (it must be a member of staff who has not "
            "left; the operating-system user is recorded as well)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind: str = options["kind"]
        name: str = options["file"]
        try:
            get_importer(kind)
        except UnknownImportKind as exc:
            raise CommandError(str(exc)) from None
        try:
            data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {name}: {exc.strerror}.") from None
        console = Console(stderr=True)
        try:
            result = run_import(
                kind,
                data,
                origin=import_origin(kind, options["actor"]),
                options=ImportOptions(create_missing=options["create_missing"]),
                console=console,
            )
        except ImportFailed as exc:
            for message in exc.messages:
                self.stderr.write(message)
            raise CommandError(str(exc)) from None
        self.stdout.write(result.summary())
