"""`safekeep sar export --subject SUBJECT_ID --output FILE.zip --actor STAFF_ID`: the subject
access disclosure (DESIGN.md, "Information governance"; docs/subject-access.md)."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from safekeep.access import door
from safekeep.access.context import command_context
from safekeep.operations.origins import ACTOR_HELP, operator_origin
from safekeep.organisation.models import StaffMember
from safekeep.subject_access import services
from safekeep.subject_access.models import SubjectAccessRequest

PASSWORD_VARIABLE = "SAFEKEEP_EXPORT_PASSWORD"  # noqa: S105  # nosec B105 - a name


class Command(BaseCommand):
    help = "Subject access requests: export the password-protected disclosure."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        export = sub.add_parser("export", help="write the AES-256 encrypted ZIP")
        export.add_argument("--subject", required=True, metavar="SUBJECT_ID")
        export.add_argument("--output", required=True, metavar="FILE.zip")
        export.add_argument("--actor", required=True, metavar="STAFF_ID", help=ACTOR_HELP)

    def handle(self, *args: Any, **options: Any) -> None:
        origin = operator_origin("sar export", options["actor"])
        staff = StaffMember.objects.get(staff_id=options["actor"].strip())
        request = (
            SubjectAccessRequest.objects.filter(subject__subject_id=options["subject"])
            .order_by("-received_on", "-id")
            .select_related("subject")
            .first()
        )
        try:
            access = door.subject_access(
                staff=staff, about=request, context=command_context(), origin=origin
            )
        except door.AccessRefused as exc:
            raise CommandError(f"Refused: {exc}") from None
        if request is None:
            raise CommandError(
                f"There is no subject access request for {options['subject']}: open one first."
            )
        password = os.environ.get(PASSWORD_VARIABLE) or getpass.getpass("Export password: ")
        try:
            data = services.package(access, request, password=password)
        except services.SarError as exc:
            raise CommandError(str(exc)) from None
        Path(options["output"]).write_bytes(data)
        self.stdout.write(
            f"Wrote {options['output']} ({len(data)} bytes) for {request.subject.subject_id} "
            f"at {timezone.localtime():%Y-%m-%d %H:%M}; it opens with the password in 7-Zip "
            "or Windows."
        )
