"""Who runs an operator's command, for the audit log: the operating-system user, and the
staff id given with --actor (a member of staff who has not left; an unknown id is an error)."""

from __future__ import annotations

import getpass
import os
from dataclasses import replace

from django.core.management.base import CommandError

from safekeep.audit.writing import Origin
from safekeep.organisation.models import StaffMember

ACTOR_HELP = (
    "your staff id, for the audit log (it must be a member of staff who has not left; the "
    "operating-system user is recorded as well)"
)


def operating_system_user() -> str:
    """Who is logged in to run the command (the audit log names them beside any staff id)."""
    try:
        return getpass.getuser()
    except OSError:  # no name for this uid (e.g. a container without one)
        return f"uid {os.getuid()}"


def operator_origin(command: str, actor: str) -> Origin:
    """The audit origin of `command` run by the operating-system user, as `actor` if given."""
    staff_id = actor.strip()
    if staff_id:
        staff = StaffMember.objects.filter(staff_id=staff_id).first()
        if staff is None:
            raise CommandError(
                f"--actor {staff_id!r}: there is no member of staff with that staff id. "
                "Give your own staff id (import staff first), or leave --actor out."
            )
        if staff.is_leaver():
            raise CommandError(
                f"--actor {staff_id!r}: that member of staff left on {staff.end_date}. "
                "Give your own staff id."
            )
    origin = Origin.command(command, staff_id=staff_id)
    who = f"{origin.actor_username} (operating-system user {operating_system_user()})"
    return replace(origin, actor_username=who)
