"""Incidents link the IT task made for them; the device incidents devices kept until now
become governance incidents (raised automatically), each linked to its IT task.

The day an incident occurred and the day it was reported are the London dates of the old
record's time and of when it was written. Runs before devices' 0004 removes the old table.
"""

import zoneinfo

import django.db.models.deletion
from django.db import migrations, models

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
    dependencies = [
        ("governance", "0001_initial"),
        ("devices", "0003_it_task_cause"),
    ]
    run_before = [("devices", "0004_device_incidents_moved_to_governance")]

    operations = [
        migrations.AddField(
            model_name="incident",
            name="it_task",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="devices.ittask",
            ),
        ),
        migrations.RunPython(device_incidents_become_incidents, migrations.RunPython.noop),
    ]
