"""The device incidents devices kept until now become governance incidents (raised
automatically), each linked to its IT task.

The day an incident occurred and the day it was reported are the London dates of the old
record's time and of when it was written. Runs before devices' 0004 removes the old table.
"""

import zoneinfo

from django.db import migrations

LONDON = zoneinfo.ZoneInfo("Europe/London")


def device_incidents_become_incidents(apps, schema_editor):
    DeviceIncident = apps.get_model("devices", "DeviceIncident")
    ITTask = apps.get_model("devices", "ITTask")
    Incident = apps.get_model("governance", "Incident")
    for old in DeviceIncident.objects.select_related("staff").order_by("id").iterator():
        occurred_on = old.occurred_at.astimezone(LONDON).date()
        reported_on = max(occurred_on, old.created_at.astimezone(LONDON).date())
        incident = Incident.objects.create(
            category=old.category,
            occurred_on=occurred_on,
            reported_on=reported_on,
            staff_id=old.staff_id,
            staff_ref=old.staff.staff_id if old.staff else "",
            summary=old.summary,
            device_id=old.device_id,
            reported_by_id=old.reported_by_id,
            source="automatic",
            it_task=ITTask.objects.filter(incident=old).order_by("id").first(),
        )
        # auto_now_add set it to now: keep when the original was written.
        Incident.objects.filter(pk=incident.pk).update(created_at=old.created_at)


class Migration(migrations.Migration):
    # Apart from 0002: PostgreSQL creates the new column's index at the end of its migration,
    # which it cannot do on a table holding rows written in the same transaction.
    dependencies = [("governance", "0002_incident_it_task")]
    run_before = [("devices", "0004_device_incidents_moved_to_governance")]

    operations = [
        migrations.RunPython(device_incidents_become_incidents, migrations.RunPython.noop),
    ]
