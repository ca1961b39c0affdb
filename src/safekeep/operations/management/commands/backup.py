"""`safekeep backup FILE`: an encrypted, consistent snapshot of the database and uploaded files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from safekeep.audit.writing import Origin, audit_event
from safekeep.crypto.backup_stream import default_backup_key_path
from safekeep.crypto.errors import CryptoError
from safekeep.operations.backup import backup_create, row_total


def progress_bar(label: str) -> Progress:
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(file=sys.stderr),
    )


class Command(BaseCommand):
    help = "Write an encrypted backup of every record and uploaded file to FILE."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--key-file",
            type=Path,
            help="backup key file (default: SAFEKEEP_BACKUP_KEY, else <DATA_DIR>/keys/backup.key)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        origin = Origin.command("backup")
        created_key = options["key_file"] is None and not default_backup_key_path().exists()
        try:
            with progress_bar("Backing up rows") as progress:
                task = progress.add_task("rows", total=row_total())
                summary = backup_create(
                    options["file"],
                    key_file=options["key_file"],
                    progress=lambda n: progress.advance(task, n),
                )
        except CryptoError as exc:
            audit_event(
                origin=origin,
                action="backup.create",
                decision="failed",
                object_type="backup",
                object_id=options["file"].name[:80],
                reasons=[str(exc)],
            )
            raise CommandError(str(exc)) from exc
        rows = sum(summary.counts.values())
        audit_event(
            origin=origin,
            action="backup.create",
            decision="done",
            object_type="backup",
            object_id=summary.path.name[:80],
            reasons=[f"{rows} rows and {summary.files} files, backup key {summary.key_id}"],
        )
        self.stdout.write(
            f"Backup written to {summary.path}: {rows} rows, {summary.files} files, "
            f"{summary.bytes_written} bytes, backup key id {summary.key_id}."
        )
        if created_key:
            self.stdout.write(
                f"A new backup key was made at {default_backup_key_path()}. Copy it to key "
                "custody now (docs/operations.md): without it this backup cannot be restored."
            )
