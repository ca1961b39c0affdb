"""What governance does when devices announces something (devices/signals.py): a device
reported lost or stolen, or an unencrypted one off site, opens an incident.

Connected in `GovernanceConfig.ready`; runs inside the announcing change's transaction.
"""

from __future__ import annotations

from typing import Any

from safekeep.audit.writing import Origin
from safekeep.devices import signals
from safekeep.devices.models import Device, ITTask
from safekeep.governance.services import incident_raise_automatic
from safekeep.organisation.models import StaffMember


def device_incident_opened(
    sender: Any,
    *,
    origin: Origin,
    cause: str,
    device: Device,
    task: ITTask,
    reporter: StaffMember | None,
    summary: str,
    **kwargs: Any,
) -> None:
    incident_raise_automatic(
        origin=origin, cause=cause, device=device, task=task, reporter=reporter, summary=summary
    )


def connect() -> None:
    signals.device_incident.connect(
        device_incident_opened, dispatch_uid="safekeep-governance-device-incident"
    )
