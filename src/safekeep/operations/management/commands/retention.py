"""`safekeep retention`: what is due for disposal, IG's approval, legal holds, tombstones.

Every subcommand is information governance's duty: `--actor` names the IG officer, the door
(`access.door.retention_access`) decides, and the audit log records it.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safekeep.access import door
from safekeep.access.context import command_context
from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import audit_event
from safekeep.operations.origins import operator_origin
from safekeep.organisation.models import StaffMember
from safekeep.retention import selectors, services

ACTOR = "your staff id: an information governance officer's (recorded in the audit log)"


class Command(BaseCommand):
    help = "Retention: list what is due, approve a disposal, place or release a legal hold."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
        due = commands.add_parser("due", help="the lists of records due for disposal")
        approve = commands.add_parser("approve", help="approve a month's list: dispose of it")
        approve.add_argument("--batch", type=int, required=True, help="the list's number")
        hold = commands.add_parser("hold", help="place a legal hold on a case")
        release = commands.add_parser("release", help="release a case's legal hold")
        for sub in (hold, release):
            sub.add_argument("--case", required=True, metavar="CASE_ID")
        for sub in (approve, hold, release):
            sub.add_argument("--reason", required=True)
        disposed = commands.add_parser("disposed", help="the tombstones of disposed cases")
        for sub in (due, approve, hold, release, disposed):
            sub.add_argument("--actor", required=True, metavar="STAFF_ID", help=ACTOR)

    def handle(self, *args: Any, **options: Any) -> None:
        origin = operator_origin("retention", options["actor"])
        staff = StaffMember.objects.get(staff_id=options["actor"].strip())
        try:
            access = door.retention_access(staff=staff, context=command_context(), origin=origin)
            getattr(self, f"_{options['command']}")(access, options)
        except door.AccessRefused as refusal:
            raise CommandError(f"Refused: {refusal}.") from None
        except services.RetentionError as problem:
            raise CommandError(f"{problem.message}.") from None

    def _due(self, access: door.DutyAccess, options: dict[str, Any]) -> None:
        self._record(access, "disposal_batch.view")
        waiting = list(selectors.batches_waiting())
        if not waiting:
            self.stdout.write("No list is waiting for approval.")
        for batch in waiting:
            self.stdout.write(f"List {batch.pk}, {batch.month:%B %Y}:")
            for item in batch.items.all():
                self.stdout.write(
                    f"  {item.case_id}  {item.case_type}  due {item.due_on}  "
                    f"{item.get_status_display()}"
                )

    def _approve(self, access: door.DutyAccess, options: dict[str, Any]) -> None:
        batch = selectors.batch_get(options["batch"])
        if batch is None:
            raise CommandError(f"There is no list {options['batch']}.")
        result = services.batch_approve(access=access, batch=batch, reason=options["reason"])
        self.stdout.write(
            f"Disposed of {len(result.disposed)} case(s): {', '.join(result.disposed) or '-'}; "
            f"kept {len(result.kept)}: {', '.join(result.kept) or '-'}."
        )

    def _hold(self, access: door.DutyAccess, options: dict[str, Any]) -> None:
        services.hold_place(access=access, case_id=options["case"], reason=options["reason"])
        self.stdout.write(f"Legal hold placed on {options['case']}.")

    def _release(self, access: door.DutyAccess, options: dict[str, Any]) -> None:
        hold = selectors.active_hold(options["case"])
        if hold is None:
            raise CommandError(f"Case {options['case']} has no legal hold.")
        services.hold_release(access=access, hold=hold, reason=options["reason"])
        self.stdout.write(f"Legal hold on {options['case']} released.")

    def _disposed(self, access: door.DutyAccess, options: dict[str, Any]) -> None:
        self._record(access, "tombstone.view")
        for tomb in selectors.tombstones():
            self.stdout.write(
                f"{tomb.case_id}  {tomb.case_type}  opened {tomb.opened_on}  closed "
                f"{tomb.closed_on}  disposed {tomb.disposed_at:%Y-%m-%d}  approved by "
                f"{tomb.approved_by_staff_id}: {tomb.reason}"
            )

    def _record(self, access: door.DutyAccess, action: str) -> None:
        audit_event(
            origin=access.origin,
            action=action,
            decision=AuditEntry.Decision.ALLOWED,
            object_type="retention",
            reasons=access.decision.reasons,
        )
