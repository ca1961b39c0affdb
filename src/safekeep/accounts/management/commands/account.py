"""`safekeep account invite --staff-id ID`: the sign-in of a member of staff who has none,
and its one-time set-up link (72 hours), printed once, on the last line."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from safekeep.accounts.lifecycle import LINK_HOURS, Refused, account_invite
from safekeep.audit.writing import Origin, audit_event
from safekeep.organisation.models import StaffMember

LOCAL_BASE = "http://127.0.0.1:8000"


def base_url() -> str:
    """Where people open Safekeep: the first trusted origin (SAFEKEEP_CSRF_TRUSTED_ORIGINS,
    set in every deployment), else the local development server."""
    origins = list(getattr(settings, "CSRF_TRUSTED_ORIGINS", []))
    return origins[0] if origins else LOCAL_BASE


class Command(BaseCommand):
    help = (
        "Create the sign-in of a member of staff who has none. Prints a one-time set-up link, "
        f"valid {LINK_HOURS} hours, with which they choose a password and set up their "
        "authenticator app."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        invite = sub.add_parser("invite", help="create a sign-in and print its set-up link")
        invite.add_argument("--staff-id", required=True, help="the staff member's staff_id")

    def handle(self, *args: Any, **options: Any) -> None:
        staff_id: str = options["staff_id"].strip()
        origin = Origin.command("account invite")
        staff = StaffMember.objects.filter(staff_id=staff_id).first()
        if staff is None:
            audit_event(
                origin=origin,
                action="account.invite",
                decision="refused",
                object_type="account",
                object_id=staff_id[:64],
                reasons=["no staff member with that staff ID"],
            )
            raise CommandError(f"No staff member has staff ID {staff_id}. Import staff first.")
        try:
            issued = account_invite(staff=staff, origin=origin)
        except Refused as exc:
            raise CommandError(str(exc)) from exc
        until = timezone.localtime(issued.link.expires_at)
        self.stdout.write(
            f"Created the sign-in of {staff.full_name} ({staff.staff_id}), {issued.user.email}. "
            f"Give them this link; it works once, until {until:%Y-%m-%d %H:%M %Z}:"
        )
        self.stdout.write(issued.url(base_url()))
        self.stderr.write("The link will not be shown again.")
