"""What the leaver checklist says of a leaver's devices (organisation.leaving): their device
credentials, and each council device still in their hands until IT records it returned."""

from __future__ import annotations

from safekeep.devices.models import Device, DeviceCredential, DeviceReturn, DeviceStatus, Ownership
from safekeep.organisation.leaving import LeaverItem, register_leaver_items
from safekeep.organisation.models import StaffMember


@register_leaver_items("devices")
def device_items(staff: StaffMember) -> list[LeaverItem]:
    live = DeviceCredential.objects.filter(staff=staff, revoked_at__isnull=True).exists()
    items = [
        LeaverItem("device_credentials", done=not live, label="Every device credential revoked")
    ]
    held = Device.objects.filter(
        assigned_staff=staff, ownership=Ownership.COUNCIL, status=DeviceStatus.ACTIVE
    )
    items += [
        LeaverItem(
            "device",
            done=False,
            label=f"Recover the council {device.get_device_type_display().lower()} "
            f"{device.asset_tag}",
            detail={"asset_tag": device.asset_tag},
        )
        for device in held
    ]
    returned = DeviceReturn.objects.filter(staff=staff).select_related("device")
    items += [
        LeaverItem(
            "device",
            done=True,
            label=f"Council {back.device.get_device_type_display().lower()} "
            f"{back.device.asset_tag} returned",
            detail={"asset_tag": back.device.asset_tag},
        )
        for back in returned
        if back.device.assigned_staff_id != staff.pk
    ]
    return items
