"""The incidents FOI q1g counts: by category, by the people involved, by when they occurred."""

from __future__ import annotations

import datetime as dt

import pytest

from safekeep.governance.models import Incident
from safekeep.governance.selectors import incidents_involving
from safekeep.organisation.models import StaffMember
from tests.factories import make_staff

pytestmark = pytest.mark.django_db
SHARED = Incident.Category.PERSONAL_NUMBER_SHARED


def _incident(staff: StaffMember | None, occurred_on: dt.date, category: str = SHARED) -> Incident:
    return Incident.objects.create(
        category=category,
        occurred_on=occurred_on,
        reported_on=occurred_on,
        staff=staff,
        staff_ref=staff.staff_id if staff else "",
        summary="Gave a client their personal mobile number",
        source=Incident.Source.MANUAL,
    )


def test_incidents_involving_counts_the_category_and_people_asked_about_between_the_dates():
    asked, other = make_staff(), make_staff()
    old = _incident(asked, dt.date(2025, 11, 1))
    recent = _incident(asked, dt.date(2026, 11, 23))
    _incident(asked, dt.date(2026, 11, 24))  # after the window
    _incident(other, dt.date(2026, 6, 1))  # someone else
    _incident(None, dt.date(2026, 6, 1))  # no one named
    _incident(asked, dt.date(2026, 6, 1), category=Incident.Category.LOST_DEVICE)
    people = StaffMember.objects.filter(pk=asked.pk)

    assert incidents_involving(staff=people, category=SHARED).count() == 3
    window = incidents_involving(
        staff=people, category=SHARED, since=dt.date(2025, 11, 24), until=dt.date(2026, 11, 23)
    )
    assert list(window) == [recent]
    assert old in incidents_involving(staff=people, category=SHARED, until=dt.date(2026, 11, 23))
