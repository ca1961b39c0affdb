"""The words of the device register and the task policy, and device compliance: pure, no Django.

Both the devices app (the register, enrolment, the "This device" page) and the access
decision's device rules (`access.device_rules`) speak this vocabulary, so it lives in one
module that imports nothing but the standard library.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

DEVICE_TYPES: Final = ("basic_phone", "smartphone", "tablet", "laptop", "desktop")
COMPUTER_TYPES: Final = frozenset({"laptop", "desktop"})
HANDHELD_TYPES: Final = frozenset({"basic_phone", "smartphone", "tablet"})
OWNERSHIPS: Final = ("council", "personal")
TRISTATE: Final = ("yes", "no", "unknown")
STATUSES: Final = ("active", "lost", "stolen", "retired")

TASKS: Final = (
    "access_central_records",
    "save_to_device",
    "save_to_central_storage",
    "email_colleagues",
    "collaboration_tools",
    "contact_clients",
    "contact_external_partners",
    "personal_use",
)
TASK_LABELS: Final = {
    "access_central_records": "access central records",
    "save_to_device": "save information to the device",
    "save_to_central_storage": "save information to central storage",
    "email_colleagues": "email colleagues",
    "collaboration_tools": "use collaboration tools",
    "contact_clients": "contact clients",
    "contact_external_partners": "contact external partners",
    "personal_use": "personal use",
}

ALLOWED: Final = "allowed"
CONDITIONAL: Final = "conditional"
PREVENTED: Final = "prevented"
TASK_STATUSES: Final = (ALLOWED, CONDITIONAL, PREVENTED)

# Conditions are a closed vocabulary so that they can be checked, not just displayed.
CONDITIONS: Final = {
    "passcode": "a passcode on the device",
    "encrypted": "an encrypted device",
    "passcode_and_encrypted": "a passcode and encryption on the device",
}

# What the council's device management (Intune) can report of a device's compliance with the
# council's compliance policies. Only "compliant" counts as compliant: a device in its grace
# period, not evaluated, or in error is not known to meet the policies.
MDM_COMPLIANT: Final = "compliant"
MDM_COMPLIANCE_WORDS: Final = {
    "compliant": "Compliant",
    "noncompliant": "Not compliant",
    "in_grace_period": "In grace period",
    "not_evaluated": "Not evaluated",
    "config_manager": "Left to Configuration Manager",
    "conflict": "Conflict",
    "error": "Error",
    "unknown": "Unknown",
}
# Why each report other than "compliant" makes a device non-compliant, in plain words.
MDM_PROBLEMS: Final = {
    "noncompliant": "Intune reports it as not compliant",
    "in_grace_period": "Intune reports it in its grace period, not yet compliant",
    "not_evaluated": "Intune has not evaluated it",
    "config_manager": "Intune leaves it to Configuration Manager and has not evaluated it",
    "conflict": "Intune reports conflicting compliance policies on it",
    "error": "Intune could not evaluate it (an error)",
    "unknown": "Intune does not know whether it is compliant",
}

TYPE_WORDS: Final = {
    "basic_phone": "basic phone",
    "smartphone": "phone",
    "tablet": "tablet",
    "laptop": "laptop",
    "desktop": "desktop",
}


# --- facts ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeviceFacts:
    """What Safekeep knows about the device a request comes from.

    ``encrypted`` and ``passcode`` are "yes", "no" or "unknown"; ``os_supported`` is False
    when the operating system is older than the minimum for its platform (or not recorded).
    ``label`` names the device in reasons, e.g. "council laptop LAP-0042".
    """

    enrolled: bool
    ownership: str
    device_type: str
    status: str
    encrypted: str
    passcode: str
    on_site: bool
    os_supported: bool
    label: str
    asset_tag: str = ""
    # What the council's device management last reported ("" when it has not): anything but
    # MDM_COMPLIANT makes the device non-compliant (`mdm_problem`).
    mdm_compliance: str = ""


@dataclass(frozen=True, slots=True)
class TaskRule:
    status: str
    condition: str = ""

    @property
    def condition_text(self) -> str:
        return CONDITIONS.get(self.condition, self.condition)


@dataclass(frozen=True, slots=True)
class TaskPolicySnapshot:
    """One version of the task policy: (ownership, device_type, task) -> rule.

    A combination missing from ``rules`` is prevented (default deny).
    """

    version: int
    rules: Mapping[tuple[str, str, str], TaskRule] = field(default_factory=dict)

    def rule(self, ownership: str, device_type: str, task: str) -> TaskRule:
        return self.rules.get((ownership, device_type, task), TaskRule(PREVENTED))


def default_task_policy() -> TaskPolicySnapshot:
    """DESIGN.md's default, from the council's own FOI answers (version 0)."""
    rules: dict[tuple[str, str, str], TaskRule] = {}
    personal_prevented = {"save_to_device", "contact_clients"}
    for device_type in DEVICE_TYPES:
        for task in TASKS:
            rules[("council", device_type, task)] = TaskRule(ALLOWED)
            if task == "personal_use":
                personal = TaskRule(ALLOWED)
            elif task in personal_prevented:
                personal = TaskRule(PREVENTED)
            else:
                personal = TaskRule(CONDITIONAL, "passcode")
            rules[("personal", device_type, task)] = personal
    return TaskPolicySnapshot(version=0, rules=rules)


# --- compliance -------------------------------------------------------------------------

# Minimum supported release per platform ("suitable protection from vulnerability"):
# releases older than these are past their vendor's security support.
DEFAULT_OS_MINIMUMS: Final = {
    "windows": "11",
    "macos": "13",
    "ios": "17",
    "ipados": "17",
    "android": "13",
    "chromeos": "120",
}


def split_os(text: str) -> tuple[str, str]:
    """ "Windows 11 23H2" -> ("Windows", "11 23H2"): the name runs until the first number."""
    words = text.split()
    for index, word in enumerate(words):
        if word[:1].isdigit():
            return " ".join(words[:index]), " ".join(words[index:])
    return " ".join(words), ""


def platform_key(os_name: str) -> str:
    return re.sub(r"[^a-z]", "", os_name.lower())


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


def os_is_supported(os_name: str, os_version: str, minimums: Mapping[str, str]) -> bool:
    """False if no OS is recorded or it is older than its platform's minimum.

    A platform with no configured minimum (e.g. a basic phone's firmware) is not judged.
    """
    if not os_name.strip():
        return False
    minimum = minimums.get(platform_key(os_name))
    if minimum is None:
        return True
    have, need = _version_tuple(os_version), _version_tuple(minimum)
    if not have:
        return False
    width = max(len(have), len(need))
    return have + (0,) * (width - len(have)) >= need + (0,) * (width - len(need))


def mdm_problem(mdm_compliance: str) -> str | None:
    """Why the device management's report makes the device non-compliant, or None (it has
    not reported, or it reports the device compliant)."""
    if not mdm_compliance or mdm_compliance == MDM_COMPLIANT:
        return None
    return MDM_PROBLEMS.get(mdm_compliance, MDM_PROBLEMS["unknown"])


def compliance_problems(
    *,
    device_type: str,
    encrypted: str,
    passcode: str,
    os_supported: bool,
    mdm_compliance: str = "",
) -> tuple[str, ...]:
    """Why a device is not compliant, in plain words; empty when it is compliant.

    Laptops and desktops must be encrypted, hand-held devices must have a passcode; an
    ``unknown`` state is non-compliant; so is an operating system past its support, and so is
    a device the council's device management reports as anything but compliant.
    """
    problems: list[str] = []
    reported = mdm_problem(mdm_compliance)
    if reported is not None:
        problems.append(reported)
    if device_type in COMPUTER_TYPES:
        if encrypted == "no":
            problems.append("it is not encrypted")
        elif encrypted != "yes":
            problems.append("its encryption is not known")
    if device_type in HANDHELD_TYPES:
        if passcode == "no":
            problems.append("it has no passcode")
        elif passcode != "yes":
            problems.append("whether it has a passcode is not known")
    if not os_supported:
        problems.append("its operating system is not a supported version")
    return tuple(problems)


def must_stay_on_site(*, device_type: str, encrypted: str) -> bool:
    """An unencrypted (or not known to be encrypted) laptop or desktop must not leave site."""
    return device_type in COMPUTER_TYPES and encrypted != "yes"


def facts_problems(device: DeviceFacts) -> tuple[str, ...]:
    return compliance_problems(
        device_type=device.device_type,
        encrypted=device.encrypted,
        passcode=device.passcode,
        os_supported=device.os_supported,
        mdm_compliance=device.mdm_compliance,
    )


def unmet_condition(condition: str, device: DeviceFacts) -> str | None:
    """Why the device fails a condition, or None if it meets it (unknown conditions fail).

    A device the council's device management reports as not compliant meets no condition:
    this is how a personal phone that Intune finds without its passcode is refused.
    """
    needs_passcode = condition in {"passcode", "passcode_and_encrypted"}
    needs_encryption = condition in {"encrypted", "passcode_and_encrypted"}
    if not needs_passcode and not needs_encryption:
        return "cannot be checked against this condition"
    reported = mdm_problem(device.mdm_compliance)
    if reported is not None:
        return "is not compliant: " + reported
    if needs_passcode and device.passcode != "yes":
        return "has no passcode" if device.passcode == "no" else "has no passcode we know of"
    if needs_encryption and device.encrypted != "yes":
        return "is not encrypted" if device.encrypted == "no" else "is not known to be encrypted"
    return None


# --- what a device may do, task by task (for the "This device" page) --------------------


@dataclass(frozen=True, slots=True)
class TaskVerdict:
    task: str
    label: str
    status: str
    allowed: bool
    explanation: str


def task_verdicts(device: DeviceFacts | None, policy: TaskPolicySnapshot) -> list[TaskVerdict]:
    """Task by task, what may be done on this device, in plain words."""
    verdicts = []
    for task in TASKS:
        label = TASK_LABELS[task]
        if device is None or not device.enrolled:
            verdicts.append(TaskVerdict(task, label, PREVENTED, False, "not on an unknown device"))
            continue
        if device.status != "active":
            verdicts.append(
                TaskVerdict(task, label, PREVENTED, False, f"the device is {device.status}")
            )
            continue
        if device.ownership == "council" and facts_problems(device):
            verdicts.append(
                TaskVerdict(task, label, PREVENTED, False, "the device is not compliant")
            )
            continue
        rule = policy.rule(device.ownership, device.device_type, task)
        if rule.status == ALLOWED:
            verdicts.append(TaskVerdict(task, label, ALLOWED, True, "allowed"))
        elif rule.status == CONDITIONAL:
            unmet = unmet_condition(rule.condition, device)
            text = f"needs {rule.condition_text}"
            if unmet is None:
                verdicts.append(TaskVerdict(task, label, CONDITIONAL, True, f"{text}: met"))
            else:
                verdicts.append(
                    TaskVerdict(task, label, CONDITIONAL, False, f"{text}: this device {unmet}")
                )
        else:
            verdicts.append(
                TaskVerdict(task, label, PREVENTED, False, "prevented by the task policy")
            )
    return verdicts


def device_label(*, ownership: str, device_type: str, asset_tag: str) -> str:
    return f"{ownership} {TYPE_WORDS.get(device_type, device_type)} {asset_tag}".strip()


def summarise_personal_policy(
    policy: TaskPolicySnapshot, device_types: Iterable[str] = DEVICE_TYPES
) -> tuple[str, list[str], list[str]]:
    """FOI 1f from the personal-device policy: (answer, prevented tasks, conditional tasks).

    A task counts as prevented if it is prevented on any personal device type; as
    conditional if it is not prevented and is conditional on any personal device type.
    """
    types = list(device_types)
    prevented = sorted(
        t for t in TASKS if any(policy.rule("personal", d, t).status == PREVENTED for d in types)
    )
    conditional = sorted(
        t
        for t in TASKS
        if t not in prevented
        and any(policy.rule("personal", d, t).status == CONDITIONAL for d in types)
    )
    if len(prevented) == len(TASKS):
        answer = "prevent_all"
    elif prevented:
        answer = "prevent_some"
    elif conditional:
        answer = "conditional"
    else:
        answer = "none"
    return answer, prevented, conditional
