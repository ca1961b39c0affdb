"""The demo council's leavers: the leaver workflow has run for each of them, and the most
recent still have things open on their checklist (a council laptop or phone to recover,
their cases to reallocate), so IG's leavers page has something to show."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone
from rich.console import Console

from safekeep.audit.writing import Origin
from safekeep.devices.models import Device
from safekeep.organisation.models import StaffMember
from safekeep.organisation.services import leaver_process
from safekeep.records.models import Allocation

RECENT = 3  # the most recent leavers keep open items


def load_leavers(*, rng: random.Random, today: dt.date, console: Console) -> None:
    origin = Origin.command("demo")
    leavers = list(StaffMember.objects.filter(end_date__lt=today).order_by("-end_date", "pk"))
    for leaver in leavers[:RECENT]:
        # Still in their hands: a council device, and the cases they held when they left.
        Device.objects.create(
            asset_tag=f"DEMO-LEAVER-LAP-{leaver.staff_id}",
            device_type="laptop",
            ownership="council",
            assigned_staff=leaver,
            encrypted="yes",
            passcode="yes",
            os_name="Windows",
            os_version="11",
            on_site=False,
        )
        Allocation.objects.filter(staff=leaver, case__closed_on__isnull=True).update(
            needs_reallocation=True
        )
    now = timezone.now()
    for leaver in leavers:
        leaver_process(origin=origin, staff=leaver, now=now)
    console.print(
        f"Leavers: {len(leavers)} processed, {min(RECENT, len(leavers))} with items still open."
    )
