"""`safekeep restore FILE`: load a backup into an empty database and storage, then verify it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safekeep.audit.roles import as_owner
from safekeep.crypto.errors import CryptoError
from safekeep.operations.backup import backup_inspect, backup_restore
from safekeep.operations.management.commands.backup import progress_bar


class Command(BaseCommand):
    help = (
        "Restore a backup into an EMPTY database and file storage (run migrate first); "
        "refuses a damaged backup before touching anything."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--key-file", type=Path, help="the backup key file")
        parser.add_argument(
            "--check-only",
            action="store_true",
            help="read and verify the whole backup, restore nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} does not exist")
        try:
            if options["check_only"]:
                inspection = backup_inspect(path, key_file=options["key_file"])
                self.stdout.write(
                    f"{path.name} is intact: {sum(inspection.counts.values())} rows, "
                    f"{inspection.files} files, made {inspection.manifest['created_at']}."
                )
                return
            # PostgreSQL: as the tables' owner, like migrate (sequences are reset at the end).
            with (
                as_owner("default", warn=self.stderr.write),
                progress_bar("Restoring rows") as progress,
            ):
                task = progress.add_task("rows", total=None)
                summary = backup_restore(
                    path,
                    key_file=options["key_file"],
                    progress=lambda n: progress.advance(task, n),
                )
        except CryptoError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored {sum(summary.counts.values())} rows and {summary.files} files from "
            f"{path.name}. Counts match, the audit log verifies and the keys open the data."
        )
