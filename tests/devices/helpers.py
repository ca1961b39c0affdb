"""Builders for device tests."""

from __future__ import annotations

from typing import Any

from safekeep.audit.writing import Origin
from safekeep.devices.models import Device
from safekeep.organisation.models import StaffMember

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


def make_personal_phone(owner: StaffMember, **fields: Any) -> Device:
    """A member of staff's own Android phone, as IT adds it to the register for them: its
    passcode `unknown` until IT has checked it."""
    values: dict[str, Any] = {
        "device_type": "smartphone",
        "ownership": "personal",
        "passcode": "unknown",
        "os_name": "Android",
        "os_version": "14",
        "assigned_staff": owner,
    }
    values.update(fields)
    return make_device(**values)
