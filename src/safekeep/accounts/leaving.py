"""What the leaver checklist says of a leaver's account (organisation.leaving)."""

from __future__ import annotations

from safekeep.accounts.models import User
from safekeep.organisation.leaving import LeaverItem, register_leaver_items
from safekeep.organisation.models import Leaving, StaffMember


@register_leaver_items("accounts")
def account_items(staff: StaffMember) -> list[LeaverItem]:
    """Sign-in closed (no account, or a disabled one); sessions ended when the leaver
    workflow ran (it moved the account's session generation on)."""
    user = User.objects.filter(staff=staff).first()
    processed = (
        staff.end_date is not None
        and Leaving.objects.filter(staff=staff, left_on=staff.end_date).exists()
    )
    return [
        LeaverItem("sign_in", done=user is None or not user.is_active, label="Sign-in closed"),
        LeaverItem("sessions", done=user is None or processed, label="Every session ended"),
    ]
