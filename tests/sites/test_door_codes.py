"""Door codes: sealed, shown only to their holders, and rotation due whenever a holder
leaves -- employee, agency worker, contractor or volunteer alike."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from safekeep.audit.models import AuditEntry
from safekeep.organisation.leaving import leaver_items
from safekeep.organisation.services import staff_end
from safekeep.sites import calendar, services
from safekeep.sites.errors import SitesError
from safekeep.sites.jobs import door_codes
from safekeep.sites.models import Door, Rotation
from tests.devices.helpers import ORIGIN
from tests.factories import make_staff
from tests.sites.world import MAUNDY_THURSDAY, hillside

pytestmark = pytest.mark.django_db


def test_working_days_skip_weekends_and_england_and_wales_bank_holidays():
    # Good Friday 3 April and Easter Monday 6 April 2026 are bank holidays.
    assert calendar.add_working_days(MAUNDY_THURSDAY, 2) == dt.date(2026, 4, 8)
    assert calendar.add_working_days(dt.date(2026, 11, 27), 2) == dt.date(2026, 12, 1)
    assert calendar.previous_working_day(dt.date(2026, 4, 7)) == MAUNDY_THURSDAY


@pytest.mark.parametrize("employment_type", ["employee", "agency", "contractor", "volunteer"])
def test_a_holder_who_leaves_makes_every_code_they_held_rotation_due(employment_type):
    world = hillside(holder_type=employment_type)
    staff_end(origin=ORIGIN, staff=world.holder, end_date=MAUNDY_THURSDAY, today=MAUNDY_THURSDAY)
    rotation = Rotation.objects.get()
    assert (rotation.door, rotation.leaver, rotation.due_on) == (
        world.door,
        world.holder,
        dt.date(2026, 4, 8),
    )
    [item] = [i for i in leaver_items(world.holder) if i.item == "door_code"]
    assert (item.done, dict(item.detail)) == (
        False,
        {"site_id": "CC01", "door": "main entrance", "due": "2026-04-08"},
    )
    entry = AuditEntry.objects.get(action="door_code.rotation_due")
    assert entry.reasons[1] == "holder H1 left on 2026-04-02"


@override_settings(SAFEKEEP_DOOR_CODE_ROTATION_WORKING_DAYS=5)
def test_the_deadline_is_a_setting():
    world = hillside()
    staff_end(origin=ORIGIN, staff=world.holder, end_date=MAUNDY_THURSDAY, today=MAUNDY_THURSDAY)
    assert Rotation.objects.get().due_on == dt.date(2026, 4, 13)


def test_nothing_is_due_for_someone_whose_end_date_is_ahead_until_it_passes():
    world = hillside()
    staff_end(origin=ORIGIN, staff=world.holder, end_date=dt.date(2099, 1, 1))
    assert not Rotation.objects.exists()
    assert door_codes(dt.datetime.now(tz=dt.UTC), ORIGIN) == ""
    world.holder.end_date = dt.date(2020, 3, 1)
    world.holder.save()
    said = door_codes(dt.datetime.now(tz=dt.UTC), ORIGIN)
    assert said == "1 door codes set to rotation due."
    assert door_codes(dt.datetime.now(tz=dt.UTC), ORIGIN) == ""  # idempotent
    assert Rotation.objects.get().due_on == dt.date(2020, 3, 3)


def test_a_new_code_ends_the_rotation_and_only_its_holders_see_it():
    world = hillside()
    staff_end(origin=ORIGIN, staff=world.holder, end_date=MAUNDY_THURSDAY, today=MAUNDY_THURSDAY)
    services.door_code_record(
        manager=world.manager,
        door=world.door,
        code="4921",
        holders=[world.manager, world.worker],
        origin=ORIGIN,
    )
    door = Door.objects.get()
    assert door.code_sealed.startswith("sk1:") and "4921" not in door.code_sealed
    assert Rotation.objects.get().rotated_at is not None
    [item] = [i for i in leaver_items(world.holder) if i.item == "door_code"]
    assert item.done
    assert services.door_code_reveal(staff=world.worker, door=door, origin=ORIGIN) == "4921"
    with pytest.raises(SitesError, match="Only the people who hold this door's code"):
        services.door_code_reveal(staff=world.holder, door=door, origin=ORIGIN)
    views = AuditEntry.objects.filter(action="door_code.view").order_by("id")
    assert [v.decision for v in views] == ["allowed", "refused"]
    change = AuditEntry.objects.get(action="door_code.change")
    assert "4921" not in " ".join(change.reasons)
    assert change.reasons[1] == "holders M1, W1"


def test_a_code_needs_working_holders_and_a_sensible_code():
    world = hillside()
    leaver = make_staff(end_date=dt.date(2020, 1, 31))
    with pytest.raises(SitesError, match="4 to 12 digits"):
        services.door_code_record(
            manager=world.manager, door=world.door, code="12", holders=[world.worker], origin=ORIGIN
        )
    with pytest.raises(SitesError, match="is not working for the council today"):
        services.door_code_record(
            manager=world.manager, door=world.door, code="1234", holders=[leaver], origin=ORIGIN
        )
    with pytest.raises(SitesError, match="at least one person"):
        services.door_code_record(
            manager=world.manager, door=world.door, code="1234", holders=[], origin=ORIGIN
        )
