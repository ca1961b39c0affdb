from __future__ import annotations

import datetime as dt
import random

import pytest
from rich.console import Console

from safekeep.devices.models import Device, DeviceComplaint
from safekeep.devices.selectors import devices_non_compliant
from safekeep.governance.foi import foi_population, foi_q1c
from safekeep.operations.demo.council import load_organisation
from safekeep.operations.demo.devices import load_fleet

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)


def test_demo_fleet_is_realistic_and_answers_1c():
    console = Console(quiet=True)
    load_organisation(rng=random.Random(1), today=TODAY, console=console)
    load_fleet(rng=random.Random(2), today=TODAY, console=console)
    assert set(Device.objects.values_list("device_type", flat=True)) == {
        "basic_phone",
        "smartphone",
        "tablet",
        "laptop",
        "desktop",
    }
    assert Device.objects.filter(ownership="personal").count() >= 5
    assert 5 <= len(devices_non_compliant()) <= 40
    assert devices_non_compliant()[0].off_site_breach
    assert foi_q1c(staff=foi_population(TODAY), as_of=TODAY) == [
        "basic_phone",
        "desktop",
        "laptop",
        "smartphone",
        "tablet",
    ]
    assert DeviceComplaint.objects.count() == 24
