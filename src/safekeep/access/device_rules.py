"""The device rules of the access decision: pure, no Django.

Once the relationship rules (`policy.relationship_decision`) allow an action on a case, this
says whether it may be done *on this device*, in the order of DESIGN.md's "Device" rules:

1. no enrolled device: a personal, unmanaged device -- case content refused;
2. a lost, stolen or retired device -- everything refused;
3. OFFICIAL-SENSITIVE content on a personal device -- refused (personal devices are for
   lower-risk information only);
4. a council device that is not compliant, or a personal one the council's device
   management reports non-compliant -- case content refused (an unencrypted laptop or
   desktop reported off site also carries the obligation to raise an incident);
5. printing -- only on a council device, to a printer with coded release or in a secure place;
6. otherwise the task policy decides, with actions mapped to the eight FOI tasks.

A device's encryption and passcode count only as IT or the devices import recorded them:
the devices app records what a person says of their own phone as "unknown".
"""

from __future__ import annotations

from typing import Final, NamedTuple

from safekeep.access import wording
from safekeep.access.vocabulary import OFFICIAL_SENSITIVE, Action, Obligation
from safekeep.devices.vocabulary import (
    ALLOWED,
    COMPUTER_TYPES,
    CONDITIONAL,
    PREVENTED,
    TYPE_WORDS,
    DeviceFacts,
    TaskPolicySnapshot,
    facts_problems,
    mdm_problem,
    must_stay_on_site,
    unmet_condition,
)

# DESIGN.md: how the access decision's actions map to tasks. `print` has its own rule.
ACTION_TASKS: Final[dict[str, str]] = {
    Action.VIEW: "access_central_records",
    Action.EDIT: "save_to_central_storage",
    Action.ADD_ENTRY: "save_to_central_storage",
    Action.DOWNLOAD: "save_to_device",
    Action.EXPORT: "save_to_device",
    Action.SHARE_EXTERNAL: "contact_external_partners",
}


class DeviceDecision(NamedTuple):
    allowed: bool
    reasons: tuple[str, ...]
    obligations: tuple[Obligation, ...]


def device_decision(
    action: str,
    device: DeviceFacts | None,
    task_policy: TaskPolicySnapshot,
    printer_secure: bool | None = None,
    classification: str = "OFFICIAL",
) -> DeviceDecision:
    """May `action` on case content of `classification` be done on `device`?

    `printer_secure` is True when the chosen printer has coded release or is in a secure
    location, False when it has neither, None when no printer is known.
    """
    if device is None or not device.enrolled:
        return _refuse(wording.UNKNOWN_DEVICE_REFUSAL)
    if device.status != "active":
        return _refuse(wording.device_reported(device.label, device.status))
    if device.ownership != "council" and classification == OFFICIAL_SENSITIVE:
        return _refuse(wording.sensitive_on_personal(device.label))
    if device.ownership == "council":
        problems = facts_problems(device)
        if problems:
            return _non_compliant(device, problems)
    elif (reported := mdm_problem(device.mdm_compliance)) is not None:
        # A personal device the council's device management finds non-compliant is refused
        # whatever the task policy says: "allowed" on personal phones means compliant ones.
        return _non_compliant(device, (reported,))
    if action == Action.PRINT:
        return _print_decision(device, printer_secure)
    task = ACTION_TASKS.get(action)
    if task is None:
        return _refuse(wording.unknown_action(action))
    return _task_decision(action, task, device, task_policy)


def _non_compliant(device: DeviceFacts, problems: tuple[str, ...]) -> DeviceDecision:
    reasons = [wording.device_not_compliant(device.label, problems)]
    obligations = [Obligation.AUDIT]
    if not device.on_site and must_stay_on_site(
        device_type=device.device_type, encrypted=device.encrypted
    ):
        reasons.append(wording.device_off_site_unencrypted(device.label))
        obligations.append(Obligation.RAISE_INCIDENT)
    return DeviceDecision(False, tuple(reasons), tuple(obligations))


def _task_decision(
    action: str, task: str, device: DeviceFacts, task_policy: TaskPolicySnapshot
) -> DeviceDecision:
    rule = task_policy.rule(device.ownership, device.device_type, task)
    kind = f"{device.ownership} {TYPE_WORDS.get(device.device_type, device.device_type)}"
    version = task_policy.version
    if rule.status == ALLOWED:
        return _allow(wording.task_allowed(action, kind, version))
    if rule.status == CONDITIONAL:
        unmet = unmet_condition(rule.condition, device)
        if unmet is None:
            return _allow(wording.task_allowed(action, kind, version, rule.condition_text))
        return _refuse(
            wording.task_condition_unmet(action, rule.condition_text, device.label, unmet)
        )
    council = task_policy.rule("council", device.device_type, task)
    if device.ownership != "council" and council.status != PREVENTED:
        encrypted = device.device_type in COMPUTER_TYPES
        return _refuse(
            wording.task_needs_council_device(action, kind, version, encrypted=encrypted)
        )
    return _refuse(wording.task_prevented(action, kind, version))


def _print_decision(device: DeviceFacts, printer_secure: bool | None) -> DeviceDecision:
    if device.ownership != "council":
        return _refuse(wording.print_needs_council_device(device.label))
    if printer_secure is None:
        return _refuse(wording.PRINTER_NOT_CHOSEN)
    if not printer_secure:
        return _refuse(wording.PRINTER_NOT_SECURE)
    return _allow(wording.printing_to_secure_printer(device.label))


def _allow(reason: str) -> DeviceDecision:
    return DeviceDecision(True, (reason,), (Obligation.AUDIT,))


def _refuse(reason: str) -> DeviceDecision:
    return DeviceDecision(False, (reason,), (Obligation.AUDIT,))
