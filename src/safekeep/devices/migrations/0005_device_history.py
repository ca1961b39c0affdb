"""The device register keeps its history (docs/devices.md, "History"): which council
devices were in use, and by whom, on a past day (the FOI report's `--as-of`).

The register had no history before, so each existing device starts with one row from the day
it was registered (its `created_at`, as a Europe/London date) as it stands now: what it was
before that change is not known and is not guessed.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone


def history_from_registration(apps, schema_editor):
    Device = apps.get_model("devices", "Device")
    DeviceHistory = apps.get_model("devices", "DeviceHistory")
    rows = [
        DeviceHistory(
            device_id=device.pk,
            starts_on=timezone.localdate(device.created_at),
            device_type=device.device_type,
            ownership=device.ownership,
            assigned_staff_id=device.assigned_staff_id,
            status=device.status,
        )
        for device in Device.objects.all().iterator()
    ]
    DeviceHistory.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("devices", "0004_device_incidents_moved_to_governance"),
        ("organisation", "0002_staff_change"),
    ]

    operations = [
        migrations.CreateModel(
            name="DeviceHistory",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("starts_on", models.DateField()),
                ("ends_on", models.DateField(blank=True, null=True)),
                (
                    "device_type",
                    models.CharField(
                        choices=[
                            ("basic_phone", "Basic phone"),
                            ("smartphone", "Smartphone"),
                            ("tablet", "Tablet"),
                            ("laptop", "Laptop"),
                            ("desktop", "Desktop"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "ownership",
                    models.CharField(
                        choices=[("council", "Council"), ("personal", "Personal")], max_length=10
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("active", "Active"),
                            ("lost", "Lost"),
                            ("stolen", "Stolen"),
                            ("retired", "Retired"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "assigned_staff",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisation.staffmember",
                    ),
                ),
                (
                    "device",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="history",
                        to="devices.device",
                    ),
                ),
            ],
            options={
                "ordering": ["device", "starts_on", "id"],
                "indexes": [
                    models.Index(
                        fields=["starts_on", "ends_on"], name="devices_dev_starts__9d39cd_idx"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("ends_on__isnull", True)),
                        fields=("device",),
                        name="device_history_one_open_row",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("ends_on__isnull", True),
                            ("ends_on__gt", models.F("starts_on")),
                            _connector="OR",
                        ),
                        name="device_history_ends_after_it_starts",
                    ),
                ],
            },
        ),
        migrations.RunPython(history_from_registration, migrations.RunPython.noop),
    ]
