"""`safekeep import KIND [--from SOURCE] FILE.csv`: an all-or-nothing, idempotent CSV import.

The formats and the error format are in docs/data-formats.md. `--from` reads another system's
own export of the same kind (`--from intune` for devices); without it, Safekeep's format.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console

from safekeep.core.csv_import import (
    NATIVE_SOURCE,
    ImportFailed,
    ImportOptions,
    UnknownImportKind,
    get_importer,
    importer_kinds,
    importer_sources,
    run_import,
)
from safekeep.operations.origins import ACTOR_HELP, operator_origin


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
        others = sorted(
            f"{source} ({kind})"
            for kind in importer_kinds()
            for source in importer_sources(kind)
            if source != NATIVE_SOURCE
        )
        parser.add_argument(
            "--from",
            dest="source",
            default=None,
            metavar="SOURCE",
            help="the file is another system's own export: "
            + (", ".join(others) or "none registered")
            + " (by default, Safekeep's format)",
        )
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
            help=ACTOR_HELP,
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind: str = options["kind"]
        name: str = options["file"]
        source: str | None = options["source"]
        try:
            get_importer(kind, source)
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
                source=source,
                origin=operator_origin(f"import {kind}", options["actor"]),
                options=ImportOptions(create_missing=options["create_missing"]),
                console=console,
            )
        except ImportFailed as exc:
            for message in exc.messages:
                self.stderr.write(message)
            raise CommandError(str(exc)) from None
        for warning in result.warnings:
            self.stderr.write(f"Warning: {warning}")
        self.stdout.write(result.summary())
