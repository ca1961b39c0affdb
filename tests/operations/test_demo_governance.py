"""The demo council's incidents: every device incident the fleet calls for, a breach whose ICO
clock is running, one decided and closed; none a personal number shared (FOI 1g stays 0)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from rich.console import Console

from safekeep.devices.models import Device
from safekeep.governance.foi import foi_population
from safekeep.governance.models import Incident
from safekeep.governance.selectors import incidents_involving, open_breach_clocks
from safekeep.operations.demo.council import load_organisation
from safekeep.operations.demo.devices import load_fleet
from safekeep.operations.demo.governance import load_governance

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)


def test_demo_incidents_cover_the_fleet_and_a_breach_and_leave_1g_at_zero():
    console = Console(quiet=True)
    load_organisation(rng=random.Random(1), today=TODAY, console=console)
    load_fleet(rng=random.Random(2), today=TODAY, console=console)
    load_governance(rng=random.Random(3), today=TODAY, console=console)
    missing = Device.objects.filter(status__in=["lost", "stolen"]).count()
    assert Incident.objects.filter(category__in=["lost_device", "stolen_device"]).count() == missing
    off_site = Incident.objects.get(category="unencrypted_device_removed")
    assert off_site.it_task is not None and off_site.it_task.device == off_site.device
    assert [c.incident.summary for c in open_breach_clocks()] == [
        "A child protection report was emailed to the wrong parent"
    ]
    closed = Incident.objects.get(category="data_breach", closed_at__isnull=False)
    assert closed.ico_decision == "not_report"
    shared = incidents_involving(staff=foi_population(TODAY), category="personal_number_shared")
    assert shared.count() == 0
    assert not Incident.objects.filter(category="personal_number_shared").exists()
