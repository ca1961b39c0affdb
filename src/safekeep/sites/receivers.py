"""What the sites app does when organisation announces leavers: every door code they held
becomes rotation due (DESIGN.md: "this includes agency and volunteers" — every employment
type alike). Runs in the leaving's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from safekeep.audit.writing import Origin
from safekeep.organisation.signals import staff_left
from safekeep.sites.services import rotations_for_leavers


def on_staff_left(sender: Any, *, staff_pks: Iterable[int], **kwargs: Any) -> None:
    origin = kwargs.get("origin") or Origin.command("leaver")
    rotations_for_leavers(staff_pks, origin=origin)


def connect() -> None:
    staff_left.connect(on_staff_left, dispatch_uid="sites.door_codes_rotation_due")
