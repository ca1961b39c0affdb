"""The sites' part of a leaver's checklist: each door code they held (outstanding until a
manager records the new code) and each paper file checked out to them (until returned)."""

from __future__ import annotations

from safekeep.organisation.leaving import LeaverItem, register_leaver_items
from safekeep.organisation.models import StaffMember
from safekeep.sites.models import Checkout, Rotation


@register_leaver_items("sites")
def sites_items(staff: StaffMember) -> list[LeaverItem]:
    items: list[LeaverItem] = []
    for rotation in Rotation.objects.filter(leaver=staff).select_related("door__site"):
        door = rotation.door
        items.append(
            LeaverItem(
                item="door_code",
                done=rotation.rotated_at is not None,
                label=f"Change the {door.name} code at {door.site.name}",
                detail={
                    "site_id": door.site.site_id or door.site.name,
                    "door": door.name,
                    "due": rotation.due_on.isoformat(),
                },
            )
        )
    for checkout in Checkout.objects.filter(staff=staff).select_related("paper_file"):
        items.append(
            LeaverItem(
                item="paper_file",
                done=checkout.returned_at is not None,
                label=f"Return paper file {checkout.paper_file.file_id}",
                detail={"file_id": checkout.paper_file.file_id},
            )
        )
    return items
