"""Builders for device tests."""

from __future__ import annotations

from typing import Any

from safekeep.audit.writing import Origin
from safekeep.devices.models import Device

ORIGIN = Origin.command("test")


def make_device(**fields: Any) -> Device:
    values: dict[str, Any] = {
        "asset_tag": f"LAP-{Device.objects.count() + 1:04d}",
        "device_type": "laptop",
        "ownership": "council",
        "encrypted": "yes",
        "passcode": "yes",
        "os_name": "Windows",
        "os_version": "11 23H2",
    }
    values.update(fields)
    return Device.objects.create(**values)
