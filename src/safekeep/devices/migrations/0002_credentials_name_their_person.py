"""Device credentials and enrolment codes name their person (docs/devices.md, "Existing
credentials").

A live credential is bound to its device's assigned member of staff, except where that
would keep an enrolment this change closes: a device assigned to nobody, or a personal
device whose passcode IT never confirmed (enrolled by saying so). Those credentials are
revoked, so the device is enrolled again with a code IT issues for the person. An unused
code is bound to the device's assigned person, or expires now if there is none. No row is
deleted.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone


def credentials_and_codes_name_their_person(apps, schema_editor):
    DeviceCredential = apps.get_model("devices", "DeviceCredential")
    EnrolmentCode = apps.get_model("devices", "EnrolmentCode")
    now = timezone.now()
    live = DeviceCredential.objects.filter(revoked_at__isnull=True).select_related("device")
    for credential in live.iterator():
        device = credential.device
        self_declared = device.ownership == "personal" and device.passcode == "unknown"
        if device.assigned_staff_id is None or self_declared:
            credential.revoked_at = now
        else:
            credential.staff_id = device.assigned_staff_id
        credential.save(update_fields=["staff", "revoked_at"])
    unused = EnrolmentCode.objects.filter(used_at__isnull=True, expires_at__gt=now)
    for code in unused.select_related("device").iterator():
        if code.device.assigned_staff_id is None:
            code.expires_at = now
        else:
            code.issued_for_id = code.device.assigned_staff_id
        code.save(update_fields=["issued_for", "expires_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("devices", "0001_initial"),
        ("organisation", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="devicecredential",
            name="staff",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="device_credentials",
                to="organisation.staffmember",
            ),
        ),
        migrations.AddField(
            model_name="enrolmentcode",
            name="issued_for",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organisation.staffmember",
            ),
        ),
        migrations.RunPython(credentials_and_codes_name_their_person, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="devicecredential",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("revoked_at__isnull", False), ("staff__isnull", False), _connector="OR"
                ),
                name="live_credential_names_its_person",
            ),
        ),
    ]
