"""`safekeep createadmin --staff-id ID`: a sign-in account for a system administrator."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safekeep.accounts.models import User
from safekeep.accounts.services import account_create, password_problems
from safekeep.audit.writing import Origin, audit_event
from safekeep.organisation.models import StaffMember


class Command(BaseCommand):
    help = (
        "Create a sign-in account for an existing staff member who holds the sysadmin role. "
        "They set up their authenticator app the first time they sign in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--staff-id", required=True, help="the staff member's staff_id")
        parser.add_argument(
            "--password-file",
            type=Path,
            help="read the password from the first line of this file instead of asking",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        staff_id: str = options["staff_id"]
        staff = StaffMember.objects.filter(staff_id=staff_id).first()
        if staff is None:
            raise CommandError(f"No staff member has staff ID {staff_id}. Import staff first.")
        if "sysadmin" not in staff.role_names():
            raise CommandError(
                f"Staff member {staff_id} does not hold the sysadmin role. "
                "Give them the role in the staff import first."
            )
        if staff.is_leaver():
            raise CommandError(f"Staff member {staff_id} has left and cannot have an account.")
        if User.objects.filter(staff=staff).exists():
            raise CommandError(f"Staff member {staff_id} already has an account.")
        password = self._password(options["password_file"])
        problems = password_problems(
            user=User(username=staff.email, email=staff.email), password=password
        )
        if problems:
            raise CommandError("That password cannot be used: " + " ".join(problems))
        user = account_create(staff=staff, password=password)
        audit_event(
            origin=Origin.command("createadmin"),
            action="account.create",
            decision="done",
            object_type="account",
            object_id=str(user.pk),
        )
        self.stdout.write(
            f"Created an account for {staff.full_name} ({staff_id}). Sign in as {user.username}; "
            "you will set up an authenticator app the first time."
        )

    def _password(self, path: Path | None) -> str:
        if path is not None:
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise CommandError(f"Cannot read the password file {path}: {exc.strerror}") from exc
            if not lines or not lines[0]:
                raise CommandError(f"The password file {path} is empty.")
            return lines[0]
        first = getpass.getpass("Password: ")
        second = getpass.getpass("Password (again): ")
        if first != second:
            raise CommandError("The two passwords are not the same.")
        return first
