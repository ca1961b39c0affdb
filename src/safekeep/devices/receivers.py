"""What devices does when the organisation app announces a change (organisation/signals.py).

Connected in `DevicesConfig.ready`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from safekeep.devices.models import DeviceCredential, EnrolmentCode
from safekeep.organisation import signals


def leavers_devices_ended(sender: Any, *, staff_pks: Iterable[int], **kwargs: Any) -> None:
    """A leaver's device credentials stop working at once, and codes issued for them die.

    The devices stay in the register (IT records them returned); the audit entry of the
    change that made the person a leaver records the leaving.
    """
    pks = list(staff_pks)
    if not pks:
        return
    now = timezone.now()
    DeviceCredential.objects.filter(staff_id__in=pks, revoked_at__isnull=True).update(
        revoked_at=now
    )
    EnrolmentCode.objects.filter(
        issued_for_id__in=pks, used_at__isnull=True, expires_at__gt=now
    ).update(expires_at=now)


def connect() -> None:
    signals.staff_left.connect(leavers_devices_ended, dispatch_uid="safekeep-devices-leavers")
