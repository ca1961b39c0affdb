"""`safekeep access explain`: the decision the system would take, and why.

Decides through the same door (`access.door.explain`) as the web pages and the API, and is
itself recorded in the audit log (origin: command).
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safekeep.access import door
from safekeep.access.context import command_context
from safekeep.access.policy import Decision
from safekeep.access.vocabulary import ACTIONS, Action
from safekeep.audit.writing import Origin
from safekeep.devices.context import device_facts_for_asset_tag
from safekeep.devices.vocabulary import DeviceFacts
from safekeep.organisation.models import StaffMember
from safekeep.records.models import Case

EXPLAIN_HELP = (
    "Print the decision Safekeep would take for STAFF doing ACTION on CASE, and why. "
    "Without --device the request is treated as coming from a device Safekeep does not know "
    "(a personal, unmanaged device, on which case content is refused). --device names a "
    "registered device by asset tag; an unknown tag is an error. It decides exactly as the "
    "web app and the API do."
)


class Command(BaseCommand):
    help = "Access decisions: `safekeep access explain --staff ID --case ID --action ACTION`."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
        explain = commands.add_parser("explain", help=EXPLAIN_HELP, description=EXPLAIN_HELP)
        explain.add_argument("--staff", required=True, metavar="STAFF_ID", help="the staff_id")
        explain.add_argument("--case", required=True, metavar="CASE_ID", help="the case_id")
        explain.add_argument("--action", required=True, choices=ACTIONS, help="the action")
        explain.add_argument(
            "--device", metavar="ASSET_TAG", help="a registered device's asset tag (optional)"
        )
        explain.add_argument(
            "--json",
            action="store_true",
            help='print {"allowed": bool, "reasons": [...], "obligations": [...]}',
        )

    def handle(self, *args: Any, **options: Any) -> None:
        staff = StaffMember.objects.filter(staff_id=options["staff"]).first()
        if staff is None:
            raise CommandError(f"No staff member has staff ID '{options['staff']}'.")
        case = Case.objects.select_related("subject").filter(case_id=options["case"]).first()
        if case is None:
            raise CommandError(f"No case has case ID '{options['case']}'.")
        device_label = "a device Safekeep does not know (treated as personal and unmanaged)"
        device = None
        if options["device"]:
            device = _registered_device(options["device"])
            device_label = f"{device.label} ({options['device']})"
        action = Action(options["action"])
        decision = door.explain(
            staff=staff,
            case=case,
            action=action,
            context=command_context(device=device),
            origin=Origin.command("access explain"),
        )
        if options["json"]:
            self.stdout.write(json.dumps(decision.as_dict()))
            return
        self.stdout.write(_describe(decision, staff, case, action, device_label))


def _registered_device(asset_tag: str) -> DeviceFacts:
    facts = device_facts_for_asset_tag(asset_tag)
    if facts is None:
        raise CommandError(f"No device has asset tag '{asset_tag}'.")
    return facts


def _describe(
    decision: Decision, staff: StaffMember, case: Case, action: str, device_label: str
) -> str:
    verdict = "ALLOWED" if decision.allowed else "REFUSED"
    lines = [
        f"{verdict}: {staff.staff_id} ({staff.full_name}) may "
        f"{'' if decision.allowed else 'not '}{action} case {case.case_id}",
        f"Device: {device_label}",
        "Why:",
        *(f"  - {reason}" for reason in decision.reasons),
    ]
    if decision.obligations:
        lines.append("Obligations: " + ", ".join(decision.obligations))
    if decision.advice:
        lines.append("What to do:")
        lines.extend(f"  - {advice}" for advice in decision.advice)
    return "\n".join(lines)
