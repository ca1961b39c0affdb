"""An IT task names its cause (the category of the incident it was made for), so devices no
longer keeps incidents of its own: governance does (docs/devices.md, "Incidents").

Each task made for a device incident takes that incident's category; governance's migration
0003 then copies the device incidents into its own and links them to their tasks, before
0004 removes them here.
"""

from django.db import migrations, models


def causes_from_incidents(apps, schema_editor):
    ITTask = apps.get_model("devices", "ITTask")
    for task in ITTask.objects.filter(incident__isnull=False).select_related("incident"):
        task.cause = task.incident.category
        task.save(update_fields=["cause"])


class Migration(migrations.Migration):
    dependencies = [("devices", "0002_credentials_name_their_person")]

    operations = [
        migrations.AddField(
            model_name="ittask",
            name="cause",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "None"),
                    ("lost_device", "Lost device"),
                    ("stolen_device", "Stolen device"),
                    ("unencrypted_device_removed", "Unencrypted device removed"),
                ],
                default="",
                max_length=40,
            ),
        ),
        migrations.RunPython(causes_from_incidents, migrations.RunPython.noop),
    ]
