"""The demo council's reviews: assessments recorded in the app (one due soon), an open
quarter of access reviews with a few confirmed, and restricted reviews (one overdue)."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone
from rich.console import Console

from safekeep.audit.writing import Origin
from safekeep.operations.demo.casework import load_caseloads
from safekeep.operations.demo.council import load_organisation
from safekeep.operations.demo.reviews import load_reviews
from safekeep.organisation.assessments import AssessmentState, volunteer_assessments
from safekeep.reviews import schedule
from safekeep.reviews.models import AccessReview
from safekeep.reviews.services import quarter_open

pytestmark = pytest.mark.django_db


def test_the_demo_shows_reviews_and_assessments() -> None:
    today = timezone.localdate()
    console = Console(quiet=True)
    load_organisation(rng=random.Random(1), today=today, console=console)
    load_caseloads(rng=random.Random(2), today=today, console=console)
    load_reviews(rng=random.Random(4), today=today, console=console)
    states = [row.state for row in volunteer_assessments(today)]
    assert AssessmentState.DUE_SOON in states and AssessmentState.LAPSED in states
    quarter = schedule.quarter_of(today)
    members = AccessReview.objects.filter(kind="member", period=quarter.key)
    assert members.count() > 100
    assert members.filter(outcome="confirmed").count() == 3
    restricted = AccessReview.objects.filter(kind="restricted")
    assert restricted.exists()
    assert restricted.filter(overdue_marked_on=today).count() == 1
    assert quarter_open(now=timezone.now(), origin=Origin.command("test")) == 0
