"""`safekeep foi deadline --received DATE [--responded DATE] [--json]`: the Freedom of
Information Act clock in working days (DESIGN.md, "Information governance";
docs/foi-requests.md). A calculation only: it reads and changes nothing, so it leaves no audit
entry."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safekeep.governance.working_days import due_date, review_request_by


def _day(option: str, value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        message = f"{option} {value!r} is not a real date in the form YYYY-MM-DD"
        raise CommandError(message) from None


class Command(BaseCommand):
    help = "Freedom of Information requests: the statutory clock."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        deadline = sub.add_parser(
            "deadline",
            help="the response due date (20th working day after receipt) and, with --responded, "
            "the last day to ask for an internal review (40th working day after the response)",
        )
        deadline.add_argument("--received", required=True, metavar="DATE", help="YYYY-MM-DD")
        deadline.add_argument("--responded", metavar="DATE", help="YYYY-MM-DD")
        deadline.add_argument("--json", action="store_true", help="machine-readable output")

    def handle(self, *args: Any, **options: Any) -> None:
        received = _day("--received", options["received"])
        result: dict[str, str] = {"received": received.isoformat()}
        result["due"] = str(due_date(received))
        if options["responded"]:
            responded = _day("--responded", options["responded"])
            if responded < received:
                raise CommandError(
                    f"--responded {responded} is before --received {received}: a response "
                    "cannot come before the request."
                )
            result["responded"] = responded.isoformat()
            result["review_request_by"] = review_request_by(responded).isoformat()
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        self.stdout.write(f"Received:          {received:%A %-d %B %Y}")
        self.stdout.write(f"Response due by:   {dt.date.fromisoformat(result['due']):%A %-d %B %Y}")
        if "responded" in result:
            self.stdout.write(f"Responded:         {responded:%A %-d %B %Y}")
            by = dt.date.fromisoformat(result["review_request_by"])
            self.stdout.write(f"Review asked by:   {by:%A %-d %B %Y}")
