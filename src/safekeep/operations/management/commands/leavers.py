"""`safekeep leavers [--as-of DATE] [--json]`: every leaver with something done or still open
in the leaver workflow (DESIGN.md, "Sites, door codes and leavers"; docs/leavers.md).
Audited: who asked, for which day."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from safekeep.operations.dates import as_of_day
from safekeep.operations.origins import ACTOR_HELP, operator_origin
from safekeep.organisation.leaving import leaver_checklists_read


class Command(BaseCommand):
    help = "List every leaver with items done or outstanding in the leaver workflow."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of", metavar="DATE", help="leavers on this day, YYYY-MM-DD (default: today)"
        )
        parser.add_argument("--json", action="store_true", help="print the DESIGN.md JSON form")
        parser.add_argument("--actor", default="", metavar="STAFF_ID", help=ACTOR_HELP)

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = as_of_day(options["as_of"])
        origin = operator_origin("leavers", options["actor"])
        checklists = leaver_checklists_read(origin=origin, as_of=as_of)
        if options["json"]:
            self.stdout.write(json.dumps([checklist.as_json() for checklist in checklists]))
            return
        for checklist in checklists:
            staff = checklist.staff
            open_items = checklist.outstanding
            self.stdout.write(
                f"{staff.staff_id} {staff.full_name} ({staff.get_employment_type_display()}), "
                f"left on {staff.end_date}: "
                + (f"{len(open_items)} outstanding" if open_items else "all done")
            )
            for item in open_items:
                self.stdout.write(f"  - {item.label}")
