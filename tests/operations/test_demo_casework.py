"""The demo's casework, subject access requests and retention on a fixed day: realistic
caseloads and the team's day, an open request with a withheld entry and an answered one, and
cases past retention listed for IG. The steps are loaded once (the slow part) for every test
here."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import pyzipper
from django.utils import timezone
from rich.console import Console

from safekeep.operations.demo import demo_load
from safekeep.operations.demo.council import DEMO_ACCOUNTS
from safekeep.operations.demo.subject_access import DEMO_EXPORT_PASSWORD, WITHHELD_REASON
from safekeep.organisation.models import StaffMember
from safekeep.records import nhs_number, sealing, selectors, workload
from safekeep.records.models import (
    Allocation,
    Case,
    CaseClosure,
    Entry,
    EntryDraft,
    Subject,
    SubjectConflict,
)
from safekeep.retention.models import DisposalBatch, DisposalItem
from safekeep.subject_access.models import Export, SubjectAccessRequest, Withholding
from safekeep.subject_access.selectors import open_requests
from tests.routes import module_rows

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def loaded(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """What the load printed."""
    out = io.StringIO()
    with module_rows(django_db_blocker, tmp_path_factory.mktemp("demo-data")):
        demo_load(
            today=TODAY,
            console=Console(file=out),
            steps=[
                "safekeep.operations.demo.council.load_organisation",
                "safekeep.operations.demo.casework.load_caseloads",
                "safekeep.operations.demo.subject_access.load_subject_access",
                "safekeep.operations.demo.retention.load_retention",
            ],
        )
        yield out.getvalue()


@pytest.fixture(autouse=True)
def data_dir(loaded: str) -> None:
    """Overrides tests/operations/conftest.py: the keys stay in the module's data directory."""


def test_demo_caseloads(loaded: str) -> None:
    held = Counter(
        Allocation.objects.filter(role="allocated_worker", ends_on__isnull=True)
        .exclude(case__subject__kind="staff")
        .values_list("staff_id", flat=True)
    )
    practitioners = (
        StaffMember.objects.active_on(TODAY)
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


def test_the_demo_teams_day(loaded: str) -> None:
    """What the demo practitioner and manager open on: today's visit with alerts and a
    chronology of significant contacts of several types, a draft, closed cases with their
    reasons (one reopened), and cases waiting for a worker in the manager's queue."""
    today = TODAY
    worker = StaffMember.objects.get(email=DEMO_ACCOUNTS["practitioner"])
    manager = StaffMember.objects.get(email=DEMO_ACCOUNTS["team manager"])
    [draft] = EntryDraft.objects.filter(author=worker)
    fields = json.loads(sealing.open_draft(draft))
    assert fields["entry_type"] == "home_visit" and fields["contact_time"] == "5:30pm"

    visit = Case.objects.filter(allocations__staff=worker, entries__significant=True).order_by(
        "-case_id"
    )[0]
    details = selectors.person_details(visit.subject)
    assert details is not None and "Risk to lone workers: visit in pairs" in details.alerts
    assert ("Home visit booked", today) in [(d.what, d.on) for d in details.key_dates]
    significant = Entry.objects.filter(case=visit, significant=True)
    assert {"strategy_discussion", "home_visit", "phone_call", "assessment", "supervision"} <= set(
        significant.values_list("entry_type", flat=True)
    )
    assert all(e.contact_at < e.created_at for e in significant)

    closures = CaseClosure.objects.filter(case__owning_team=worker.team)
    past_retention = DisposalItem.objects.values_list("case_id", flat=True)  # the step's own
    closed = Case.objects.filter(owning_team=worker.team, closed_on__isnull=False).exclude(
        case_id__in=past_retention
    )
    assert closed.count() == 2
    assert {c.reason for c in closures.filter(kind="close")} >= {"moved_away", "needs_met"}
    assert all(sealing.open_closure(c) for c in closures.filter(case__in=closed))
    [reopened] = {c.case for c in closures.filter(kind="reopen")}
    assert reopened.closed_on is None

    queue = workload.unallocated_queue(Case.objects.all(), team=manager.team, today=today)
    assert queue.count() >= 3
    ended = Allocation.objects.filter(case__in=queue, end_reason__startswith="The worker is on")
    assert ended.count() == queue.count()

    # My requests shows the practitioner's requests waiting, approved and refused.
    now = timezone.make_aware(dt.datetime.combine(today, dt.time(9, 0)))
    states = [row.state for row in selectors.my_requests(staff=worker, now=now)]
    assert "Pending" in states and "Refused" in states
    assert any(state.startswith("Approved until ") for state in states)


def test_demo_has_an_open_request_with_a_withheld_entry_and_an_answered_one(loaded: str) -> None:
    today = TODAY
    [row] = open_requests(today=today)
    assert row.clock.due_on == dt.date(2026, 11, 29) and row.clock.due_soon
    [held] = Withholding.objects.filter(request=row.request)
    assert held.reason == WITHHELD_REASON and held.entry.case.subject == row.request.subject
    answered = SubjectAccessRequest.objects.get(status=SubjectAccessRequest.Status.SENT)
    assert answered.identity_confirmed_on == dt.date(2026, 10, 14)
    [made] = Export.objects.filter(request=answered)
    with pyzipper.AESZipFile(Path(made.path)) as archive:
        archive.setpassword(DEMO_EXPORT_PASSWORD.encode())
        assert b'"withheld": []' in archive.read("subject-access.json")
    assert "one open request" in loaded


def test_demo_has_cases_past_retention_for_ig(loaded: str) -> None:
    batch = DisposalBatch.objects.get()
    assert batch.items.count() == 5
    assert Case.objects.filter(case_type="looked_after_child").exists()
    assert not Case.objects.filter(case_type="other", closed_on__isnull=True).exists()
