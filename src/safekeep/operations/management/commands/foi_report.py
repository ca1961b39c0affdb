"""`safekeep foi-report [--as-of DATE] --format json|csv|html|pdf`: the FOI questionnaire
answered from live data (DESIGN.md, "foi-report"; docs/foi-report.md). Audited: who ran it,
for which day, in which format."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safekeep.governance.foi.documents import FORMATS
from safekeep.governance.foi.services import FoiReportError, foi_report_download
from safekeep.operations.dates import as_of_day
from safekeep.operations.origins import ACTOR_HELP, operator_origin


class Command(BaseCommand):
    help = (
        "Answer the FOI staff-and-devices questionnaire from live data, as the people, "
        "devices, complaints and incidents stood at the end of --as-of (default: today)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of", metavar="DATE", help="the day to answer for, YYYY-MM-DD (default: today)"
        )
        parser.add_argument("--format", required=True, choices=FORMATS, help="the file's form")
        parser.add_argument(
            "--output",
            metavar="FILE",
            help="write the report to FILE (default: standard output; a PDF needs a file or a "
            "pipe)",
        )
        parser.add_argument("--actor", default="", metavar="STAFF_ID", help=ACTOR_HELP)

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = as_of_day(options["as_of"])
        fmt: str = options["format"]
        output: str | None = options["output"]
        if fmt == "pdf" and output is None and sys.stdout.isatty():
            raise CommandError("A PDF is not for a terminal: give --output FILE, or a pipe.")
        origin = operator_origin("foi-report", options["actor"])
        try:
            document = foi_report_download(origin=origin, as_of=as_of, fmt=fmt)
        except FoiReportError as exc:
            raise CommandError(f"--as-of: {exc}.") from None
        if output is not None:
            try:
                Path(output).write_bytes(document.content)
            except OSError as exc:
                raise CommandError(f"Cannot write {output}: {exc.strerror}.") from None
            self.stderr.write(f"Wrote the FOI report for {as_of} to {output}.")
        elif fmt == "pdf":
            sys.stdout.buffer.write(document.content)
            sys.stdout.buffer.flush()
        else:
            self.stdout.write(document.content.decode(), ending="")
