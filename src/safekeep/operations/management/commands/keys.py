"""`safekeep keys status|rotate|retire|generate`: key-encryption keys for operators."""

from __future__ import annotations

import dataclasses
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from safekeep.audit.writing import Origin, audit_event
from safekeep.crypto.errors import CryptoError
from safekeep.crypto.providers import generate_key_text
from safekeep.crypto.rotation import (
    DEFAULT_BATCH_SIZE,
    kek_retire,
    keys_status,
    rotation_remaining,
    rotation_run,
    rotation_start,
)


class Command(BaseCommand):
    help = "Show, rotate and retire the key-encryption keys that wrap every record's data key."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        status = sub.add_parser("status", help="versions in use and how many data keys each wraps")
        status.add_argument("--json", action="store_true", help="machine-readable output")
        rotate = sub.add_parser(
            "rotate", help="add a new key version and re-wrap every data key (resumes if cut off)"
        )
        rotate.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
        retire = sub.add_parser("retire", help="retire a version no data key uses any more")
        retire.add_argument("version", type=int)
        sub.add_parser("generate", help="print a new random key (for SAFEKEEP_KEKS and the like)")

    def handle(self, *args: Any, **options: Any) -> None:
        origin = Origin.command(f"keys {options['action']}")
        try:
            getattr(self, f"_{options['action']}")(origin, options)
        except CryptoError as exc:
            raise CommandError(str(exc)) from exc

    def _status(self, origin: Origin, options: dict[str, Any]) -> None:
        status = keys_status()
        audit_event(origin=origin, action="keys.status", decision="done", object_type="kek")
        if options["json"]:
            self.stdout.write(json.dumps(dataclasses.asdict(status), indent=2))
            return
        console = Console(
            file=self.stdout,  # type: ignore[arg-type]
            highlight=False,
            width=None if self.stdout.isatty() else 120,
        )
        console.print(f"Key provider: {status.provider}")
        table = Table("version", "created", "retired", "data keys", "state")
        for version in status.versions:
            state = "current" if version.current else ("retired" if version.retired_at else "old")
            if not version.available and not version.retired_at:
                state += " (MISSING from provider)"
            table.add_row(
                str(version.version),
                version.created_at,
                version.retired_at or "-",
                str(version.data_keys),
                state,
            )
        console.print(table)
        console.print(f"Data keys: {status.data_keys}")
        if status.rotation_target is not None:
            console.print(
                f"Rotation to version {status.rotation_target} unfinished: "
                f"{status.rotation_remaining} data keys left (run `safekeep keys rotate`)"
            )
        console.print(f"Blind-index key: {'in use' if status.blind_index_key else 'not yet made'}")

    def _rotate(self, origin: Origin, options: dict[str, Any]) -> None:
        rotation, resumed = rotation_start(actor=origin.actor_username)
        verb = "Resuming" if resumed else "Started"
        self.stdout.write(f"{verb} rotation to key-encryption key version {rotation.target_id}.")
        total = rotation_remaining(rotation)
        with Progress(
            TextColumn("Re-wrapping data keys"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(file=sys.stderr),
            transient=False,
        ) as progress:
            task = progress.add_task("rewrap", total=total)
            done = rotation_run(
                rotation,
                actor=origin.actor_username,
                batch_size=options["batch_size"],
                progress=lambda n: progress.advance(task, n),
            )
        self.stdout.write(
            f"Done: {done} data keys re-wrapped; every data key now uses version "
            f"{rotation.target_id}. Older versions can be retired with "
            "`safekeep keys retire VERSION` once backups made before today have expired."
        )

    def _retire(self, origin: Origin, options: dict[str, Any]) -> None:
        kek_retire(version=options["version"], actor=origin.actor_username)
        self.stdout.write(f"Key-encryption key version {options['version']} retired.")

    def _generate(self, origin: Origin, options: dict[str, Any]) -> None:
        self.stdout.write(generate_key_text())
