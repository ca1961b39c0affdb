"""The demo caseloads: realistic shapes, built by the core demo step runner."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from rich.console import Console

from safekeep.operations.demo import demo_load
from safekeep.organisation.models import StaffMember
from safekeep.records import nhs_number, selectors
from safekeep.records.models import Allocation, Case, Entry, Subject, SubjectConflict

pytestmark = pytest.mark.django_db


def test_demo_caseloads():
    demo_load(
        today=dt.date(2026, 11, 23),
        console=Console(file=io.StringIO()),
        steps=[
            "safekeep.operations.demo.council.load_organisation",
            "safekeep.operations.demo.casework.load_caseloads",
        ],
    )
    held = Counter(
        Allocation.objects.filter(role="allocated_worker", ends_on__isnull=True)
        .exclude(case__subject__kind="staff")
        .values_list("staff_id", flat=True)
    )
    practitioners = (
        StaffMember.objects.active_on(dt.date(2026, 11, 23))
        .filter(roles__role="practitioner")
        .exclude(employment_type="volunteer")
    )
    assert all(15 <= held[p.pk] <= 30 for p in practitioners)
    assert Case.objects.filter(subject__restricted=True).exists()
    assert Case.objects.filter(subject__kind="staff", subject__staff__isnull=False).exists()
    assert SubjectConflict.objects.exists()
    assert Allocation.objects.filter(staff__employment_type="volunteer").exists()
    assert Allocation.objects.filter(staff__end_date__isnull=False, ends_on__isnull=False).exists()
    per_case = Counter(Entry.objects.values_list("case_id", flat=True))
    assert min(per_case.values()) >= 2
    assert len(per_case) == Case.objects.count()

    # Every child and adult has details; some have alerts; every NHS number can be found.
    people = Subject.objects.exclude(kind="staff")
    assert people.filter(details__isnull=True).count() == 0
    opened = [selectors.person_details(subject) for subject in people[:200]]
    assert any(d is not None and d.alerts for d in opened)
    first = opened[0]
    assert first is not None and first.address and nhs_number.is_valid(first.nhs_number)
    found = selectors.caseload(Case.objects.all(), search=first.nhs_number)
    assert [c.subject_id for c in found] == [people[0].pk]
