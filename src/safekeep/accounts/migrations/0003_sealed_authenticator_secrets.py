"""Seal the authenticator apps' TOTP secrets at rest (accounts/sealing.py).

Every device whose key is still hex is sealed in place under its account's data key; keys
already sealed are skipped, so a re-run after an interruption carries on. Codes and sign-in
keep working: the same secret is opened whenever a code is checked.
"""

from __future__ import annotations

from binascii import unhexlify
from typing import Any

from django.db import migrations


def seal_existing(apps: Any, schema_editor: Any) -> None:
    from safekeep.accounts import sealing

    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    for device in TOTPDevice.objects.order_by("pk").iterator():
        if sealing.is_sealed_text(device.key):
            continue
        device.key = sealing.seal_secret(
            user_pk=device.user_id, device_pk=device.pk, secret=unhexlify(device.key)
        )
        device.save(update_fields=["key"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_sign_in_throttle"),
        ("otp_totp", "0003_add_timestamps"),
        ("crypto", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuthenticatorApp",
            fields=[],
            options={
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("otp_totp.totpdevice",),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop, elidable=False),
    ]
