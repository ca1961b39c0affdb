"""The paper-records register, the visitor log and the end-of-day checks."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from safekeep.access.door import AccessRefused
from safekeep.access.vocabulary import Action
from safekeep.audit.models import AuditEntry
from safekeep.organisation.leaving import leaver_items
from safekeep.organisation.services import staff_end
from safekeep.sites import selectors, services
from safekeep.sites.errors import SitesError
from safekeep.sites.jobs import missed_checks
from safekeep.sites.models import EndOfDayCheck, MissedCheck
from tests.devices.helpers import ORIGIN
from tests.factories import case_access, make_staff
from tests.sites.world import hillside

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def test_only_someone_the_door_lets_view_the_case_checks_its_file_out():
    world = hillside()
    stranger = make_staff(staff_id="X1")
    with pytest.raises(AccessRefused):
        case_access(stranger, world.case, Action.VIEW)
    checkout = services.paper_file_check_out(
        access=case_access(world.worker, world.case, Action.VIEW),
        paper_file=world.paper_file,
        due_back=dt.date.today() + dt.timedelta(days=3),
    )
    assert checkout.staff == world.worker
    with pytest.raises(SitesError, match="already checked out"):
        services.paper_file_check_out(
            access=case_access(world.manager, world.case, Action.VIEW), paper_file=world.paper_file
        )
    entry = AuditEntry.objects.get(action="paper_file.check_out")
    assert (entry.object_id, entry.subject_id) == ("PF-77", world.case.subject.subject_id)


def test_a_leaver_is_refused_by_the_door_and_their_file_is_on_their_checklist():
    world = hillside()
    services.paper_file_check_out(
        access=case_access(world.worker, world.case, Action.VIEW), paper_file=world.paper_file
    )
    yesterday = dt.date.today() - dt.timedelta(days=1)
    staff_end(origin=ORIGIN, staff=world.worker, end_date=yesterday)
    world.worker.refresh_from_db()
    with pytest.raises(AccessRefused):
        case_access(world.worker, world.case, Action.VIEW)
    [item] = [i for i in leaver_items(world.worker) if i.item == "paper_file"]
    assert (item.done, dict(item.detail)) == (False, {"file_id": "PF-77"})
    services.paper_file_return(paper_file=world.paper_file, origin=ORIGIN)
    [item] = [i for i in leaver_items(world.worker) if i.item == "paper_file"]
    assert item.done


def test_a_file_past_its_return_date_is_overdue():
    world = hillside()
    long_ago = dt.datetime(2026, 1, 5, 10, tzinfo=LONDON)
    services.paper_file_check_out(
        access=case_access(world.worker, world.case, Action.VIEW),
        paper_file=world.paper_file,
        due_back=dt.date(2026, 1, 9),
        now=long_ago,
    )
    [state] = selectors.file_states(selectors.paper_files_of(world.site), dt.date(2026, 1, 10))
    assert state.overdue
    assert list(selectors.overdue_checkouts(dt.date(2026, 1, 9))) == []
    assert len(selectors.overdue_checkouts(dt.date(2026, 1, 10))) == 1


def test_a_visitor_still_signed_in_after_the_day_is_flagged_and_the_log_searches():
    world = hillside()
    monday = dt.datetime(2026, 11, 30, 10, tzinfo=LONDON)
    visit = services.visit_sign_in(
        by=world.manager,
        site=world.site,
        visitor_name="Dr Amara Okafor",
        organisation="Barchester NHS Trust",
        accompanied_by=world.worker,
        origin=ORIGIN,
        now=monday,
    )
    assert not selectors.not_signed_out_by_end_of_day(visit, monday.replace(hour=17))
    assert selectors.not_signed_out_by_end_of_day(visit, monday + dt.timedelta(days=1))
    assert list(selectors.visits(site=world.site, search="nhs")) == [visit]
    assert list(selectors.visits(site=world.site, search="police")) == []
    services.visit_sign_out(visit=visit, origin=ORIGIN, now=monday.replace(hour=11))
    assert not selectors.not_signed_out_by_end_of_day(visit, monday + dt.timedelta(days=1))
    with pytest.raises(SitesError, match="already signed out"):
        services.visit_sign_out(visit=visit, origin=ORIGIN)
    actions = list(AuditEntry.objects.filter(object_type="visit").values_list("action", flat=True))
    assert actions == ["visit.sign_in", "visit.sign_out"]


def test_a_visitor_must_be_accompanied_by_someone_working_today():
    world = hillside()
    leaver = make_staff(end_date=dt.date(2020, 1, 1))
    with pytest.raises(SitesError, match="is not working for the council today"):
        services.visit_sign_in(
            by=world.manager,
            site=world.site,
            visitor_name="A Visitor",
            organisation="Police",
            accompanied_by=leaver,
            origin=ORIGIN,
        )


def test_a_missing_check_is_flagged_the_next_working_morning_once():
    world = hillside()
    tuesday_evening = dt.datetime(2026, 12, 1, 18, tzinfo=LONDON)
    services.end_of_day_record(
        by=world.manager,
        site=world.site,
        laptops_locked=True,
        paper_locked=True,
        note="",
        origin=ORIGIN,
        now=tuesday_evening,
    )
    wednesday = dt.datetime(2026, 12, 2, 7, tzinfo=LONDON)
    assert missed_checks(wednesday, ORIGIN) == ""
    # Nobody checked on Wednesday evening: Thursday morning flags it, once.
    thursday = dt.datetime(2026, 12, 3, 7, tzinfo=LONDON)
    assert missed_checks(thursday, ORIGIN) == "1 missing end-of-day checks flagged."
    assert missed_checks(thursday, ORIGIN) == ""
    assert MissedCheck.objects.get().day == dt.date(2026, 12, 2)
    # Monday morning looks back to Friday, not the weekend.
    monday = dt.datetime(2026, 12, 7, 7, tzinfo=LONDON)
    missed_checks(monday, ORIGIN)
    assert sorted(MissedCheck.objects.values_list("day", flat=True)) == [
        dt.date(2026, 12, 2),
        dt.date(2026, 12, 4),
    ]


def test_something_left_out_needs_a_note_and_a_night_is_checked_once():
    world = hillside()
    with pytest.raises(SitesError, match="Say what was not locked away"):
        services.end_of_day_record(
            by=world.manager,
            site=world.site,
            laptops_locked=False,
            paper_locked=True,
            note="",
            origin=ORIGIN,
        )
    services.end_of_day_record(
        by=world.manager,
        site=world.site,
        laptops_locked=False,
        paper_locked=True,
        note="One laptop out on a home visit",
        origin=ORIGIN,
    )
    assert EndOfDayCheck.objects.get().laptops_locked is False
    with pytest.raises(SitesError, match="already been recorded"):
        services.end_of_day_record(
            by=world.manager,
            site=world.site,
            laptops_locked=True,
            paper_locked=True,
            note="",
            origin=ORIGIN,
        )
