"""Migrations devices 0003-0004 and governance 0002-0003: the device incidents devices kept become
governance incidents, linked to their IT tasks, which now name their cause; nothing is lost."""

from __future__ import annotations

import datetime as dt

import pytest

from safekeep.devices.models import ITTask
from safekeep.governance.models import Incident
from tests.migrating import latest, migrate, models_at, old_staff_member

BEFORE = [("devices", "0002_credentials_name_their_person"), ("governance", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_device_incidents_become_incidents_linked_to_their_it_tasks() -> None:
    with models_at(BEFORE, then=latest()) as old:
        owner = old_staff_member(old, "S1")
        Device = old.get_model("devices", "Device")
        DeviceIncident = old.get_model("devices", "DeviceIncident")
        OldTask = old.get_model("devices", "ITTask")
        laptop = Device.objects.create(
            asset_tag="LAP-1",
            device_type="laptop",
            ownership="council",
            encrypted="no",
            passcode="yes",
            assigned_staff=owner,
        )
        # 23:30 UTC on 24 October is 00:30 on the 25th in London (still summer time).
        late = dt.datetime(2026, 10, 24, 23, 30, tzinfo=dt.UTC)
        off_site = DeviceIncident.objects.create(
            category="unencrypted_device_removed",
            device=laptop,
            staff=owner,
            occurred_at=late,
            summary="council laptop LAP-1 is unencrypted and was reported off site",
        )
        OldTask.objects.create(device=laptop, incident=off_site, description="Bring it back")
        lost = DeviceIncident.objects.create(
            category="lost_device",
            device=laptop,
            reported_by=owner,
            occurred_at=dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC),
            summary="council laptop LAP-1 reported lost",
        )
        OldTask.objects.create(device=laptop, incident=lost, description="Wipe it")
        OldTask.objects.create(device=laptop, description="Unrelated task")
        migrate(latest())

        moved = list(Incident.objects.order_by("occurred_on"))
        assert [(i.category, i.source, i.device_id) for i in moved] == [
            ("unencrypted_device_removed", "automatic", laptop.pk),
            ("lost_device", "automatic", laptop.pk),
        ]
        first, second = moved
        assert first.occurred_on == dt.date(2026, 10, 25)
        assert (first.staff_id, first.staff_ref, first.reported_by) == (owner.pk, "S1", None)
        assert first.summary == off_site.summary
        assert first.it_task is not None and first.it_task.description == "Bring it back"
        assert (second.staff, second.staff_ref, second.reported_by_id) == (None, "", owner.pk)
        assert second.created_at == lost.created_at
        causes = dict(ITTask.objects.values_list("description", "cause"))
        assert causes == {
            "Bring it back": "unencrypted_device_removed",
            "Wipe it": "lost_device",
            "Unrelated task": "",
        }
