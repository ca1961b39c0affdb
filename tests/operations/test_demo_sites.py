"""The demo council's sites: every site keyed, printers of each kind, door codes with
holders (one rotation due), visitors (one flagged), a missed check and an overdue file."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone
from rich.console import Console

from safekeep.operations.demo.casework import load_caseloads
from safekeep.operations.demo.council import load_organisation
from safekeep.operations.demo.sites import load_sites
from safekeep.organisation.models import Site
from safekeep.sites import selectors
from safekeep.sites.models import Door, MissedCheck, Printer

pytestmark = pytest.mark.django_db


def test_the_demo_shows_each_part_of_the_sites():
    today = timezone.localdate()
    console = Console(quiet=True)
    load_organisation(rng=random.Random(1), today=today, console=console)
    load_caseloads(rng=random.Random(2), today=today, console=console)
    load_sites(rng=random.Random(3), today=today, console=console)
    assert not Site.objects.filter(site_id=None).exists()
    assert set(Printer.objects.values_list("release", flat=True)) == {
        "coded",
        "secure_location",
        "none",
    }
    assert all(door.code_sealed for door in Door.objects.all())
    assert selectors.open_rotations().count() == 1
    flagged = [
        visit
        for site in Site.objects.all()
        for visit in selectors.visits_still_in(site=site)
        if selectors.not_signed_out_by_end_of_day(visit, timezone.now())
    ]
    assert flagged
    assert MissedCheck.objects.exists()
    assert selectors.overdue_checkouts(today + dt.timedelta(days=1)).exists()
