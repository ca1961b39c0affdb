# ruff: noqa: E501
"""The device rules as a table: device x action -> allowed, with the exact reason."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from safekeep.access.device_rules import device_decision
from safekeep.access.vocabulary import Obligation
from safekeep.access.wording import UNKNOWN_DEVICE_REFUSAL
from safekeep.devices.vocabulary import (
    DeviceFacts,
    TaskPolicySnapshot,
    TaskRule,
    compliance_problems,
    default_task_policy,
    os_is_supported,
    split_os,
    summarise_personal_policy,
    task_verdicts,
)
from tests.factories import LAPTOP_FACTS

POLICY = default_task_policy()


def facts(**changes: Any) -> DeviceFacts:
    return dataclasses.replace(LAPTOP_FACTS, **changes)


COUNCIL_LAPTOP = facts()
UNENCRYPTED_ON_SITE = facts(encrypted="no")
UNENCRYPTED_OFF_SITE = facts(encrypted="no", on_site=False)
TABLET_NO_PASSCODE = facts(device_type="tablet", passcode="no", label="council tablet TAB-1")
PERSONAL_PHONE = facts(
    ownership="personal", device_type="smartphone", encrypted="unknown", label="personal phone P1"
)
PERSONAL_PHONE_NO_PASSCODE = dataclasses.replace(PERSONAL_PHONE, passcode="no")
LOST = facts(status="lost")

NOT_COMPLIANT_UNENCRYPTED = (
    "case content cannot be opened on council laptop LAP-0042 because it is not compliant: "
    "it is not encrypted"
)
OFF_SITE = (
    "council laptop LAP-0042 is unencrypted and must not leave site, but is reported off site; "
    "an incident has been raised"
)
TABLET_REFUSAL = (
    "case content cannot be opened on council tablet TAB-1 because it is not compliant: "
    "it has no passcode"
)
LOST_REFUSAL = "council laptop LAP-0042 is reported lost; nothing can be done on it"

# (device, action, printer_secure) -> (allowed, reasons, obligations)
TABLE = [
    (
        COUNCIL_LAPTOP,
        "view",
        None,
        True,
        ["viewing records is allowed on a council laptop (task policy version 0)"],
    ),
    (
        COUNCIL_LAPTOP,
        "edit",
        None,
        True,
        ["editing records is allowed on a council laptop (task policy version 0)"],
    ),
    (
        COUNCIL_LAPTOP,
        "download",
        None,
        True,
        ["downloads are allowed on a council laptop (task policy version 0)"],
    ),
    (
        COUNCIL_LAPTOP,
        "share_external",
        None,
        True,
        ["sharing with external partners is allowed on a council laptop (task policy version 0)"],
    ),
    (
        COUNCIL_LAPTOP,
        "print",
        True,
        True,
        ["printing from council laptop LAP-0042 to a secure printer"],
    ),
    (
        COUNCIL_LAPTOP,
        "print",
        False,
        False,
        [
            "printing needs a printer with coded release or in a secure location; this printer has neither"
        ],
    ),
    (
        COUNCIL_LAPTOP,
        "print",
        None,
        False,
        [
            "printing needs a printer with coded release or in a secure location, and no printer was chosen"
        ],
    ),
    (UNENCRYPTED_ON_SITE, "view", None, False, [NOT_COMPLIANT_UNENCRYPTED]),
    (UNENCRYPTED_ON_SITE, "download", None, False, [NOT_COMPLIANT_UNENCRYPTED]),
    (UNENCRYPTED_ON_SITE, "print", True, False, [NOT_COMPLIANT_UNENCRYPTED]),
    (UNENCRYPTED_OFF_SITE, "view", None, False, [NOT_COMPLIANT_UNENCRYPTED, OFF_SITE]),
    (UNENCRYPTED_OFF_SITE, "edit", None, False, [NOT_COMPLIANT_UNENCRYPTED, OFF_SITE]),
    (TABLET_NO_PASSCODE, "view", None, False, [TABLET_REFUSAL]),
    (TABLET_NO_PASSCODE, "share_external", None, False, [TABLET_REFUSAL]),
    (
        PERSONAL_PHONE,
        "view",
        None,
        True,
        [
            "viewing records is allowed on a personal phone with a passcode on the device (task policy version 0)"
        ],
    ),
    (
        PERSONAL_PHONE,
        "edit",
        None,
        True,
        [
            "editing records is allowed on a personal phone with a passcode on the device (task policy version 0)"
        ],
    ),
    (
        PERSONAL_PHONE,
        "download",
        None,
        False,
        ["downloads need a council device; this is a personal phone (task policy version 0)"],
    ),
    (
        PERSONAL_PHONE,
        "export",
        None,
        False,
        ["exports need a council device; this is a personal phone (task policy version 0)"],
    ),
    (
        PERSONAL_PHONE,
        "print",
        True,
        False,
        ["printing needs a council device; this is a personal phone P1"],
    ),
    (
        PERSONAL_PHONE,
        "share_external",
        None,
        True,
        [
            "sharing with external partners is allowed on a personal phone with a passcode on the device (task policy version 0)"
        ],
    ),
    (
        PERSONAL_PHONE_NO_PASSCODE,
        "view",
        None,
        False,
        ["viewing records needs a passcode on the device; personal phone P1 has no passcode"],
    ),
    (
        PERSONAL_PHONE_NO_PASSCODE,
        "add_entry",
        None,
        False,
        ["adding entries needs a passcode on the device; personal phone P1 has no passcode"],
    ),
    (None, "view", None, False, [UNKNOWN_DEVICE_REFUSAL]),
    (None, "print", True, False, [UNKNOWN_DEVICE_REFUSAL]),
    (LOST, "view", None, False, [LOST_REFUSAL]),
    (LOST, "print", True, False, [LOST_REFUSAL]),
    (
        facts(status="retired"),
        "view",
        None,
        False,
        ["council laptop LAP-0042 is reported retired; nothing can be done on it"],
    ),
]


@pytest.mark.parametrize(("device", "action", "printer", "allowed", "reasons"), TABLE)
def test_device_decision_table(device, action, printer, allowed, reasons):
    decision = device_decision(action, device, POLICY, printer)
    assert (decision.allowed, list(decision.reasons)) == (allowed, reasons)


def test_only_unencrypted_off_site_raises_an_incident():
    assert (
        Obligation.RAISE_INCIDENT
        in device_decision("view", UNENCRYPTED_OFF_SITE, POLICY).obligations
    )
    assert (
        Obligation.RAISE_INCIDENT
        not in device_decision("view", UNENCRYPTED_ON_SITE, POLICY).obligations
    )
    off_site_ok = facts(on_site=False)
    assert device_decision("view", off_site_ok, POLICY).allowed


def test_unknown_encryption_is_non_compliant_and_must_stay_on_site():
    decision = device_decision("view", facts(encrypted="unknown", on_site=False), POLICY)
    assert not decision.allowed
    assert decision.reasons[0].endswith("its encryption is not known")
    assert Obligation.RAISE_INCIDENT in decision.obligations


def test_unsupported_os_makes_a_council_device_non_compliant():
    decision = device_decision("view", facts(os_supported=False), POLICY)
    assert decision.reasons == (
        "case content cannot be opened on council laptop LAP-0042 because it is not compliant: "
        "its operating system is not a supported version",
    )


def test_prevented_everywhere_says_so_and_missing_rules_are_prevented():
    policy = TaskPolicySnapshot(version=7, rules={})
    decision = device_decision("view", COUNCIL_LAPTOP, policy)
    assert decision == (
        False,
        ("viewing records is not allowed on a council laptop (task policy version 7)",),
        ("audit",),
    )


def test_conditional_on_encryption_checks_encryption():
    rules = dict(POLICY.rules)
    rules[("personal", "laptop", "save_to_device")] = TaskRule("conditional", "encrypted")
    policy = TaskPolicySnapshot(version=2, rules=rules)
    laptop = facts(ownership="personal", encrypted="no", label="personal laptop P2")
    assert device_decision("download", laptop, policy).reasons == (
        "downloads need an encrypted device; personal laptop P2 is not encrypted",
    )
    assert device_decision("download", dataclasses.replace(laptop, encrypted="yes"), policy).allowed


def test_unknown_action_refused():
    assert device_decision("delete", COUNCIL_LAPTOP, POLICY).reasons == (
        "'delete' is not an action Safekeep knows",
    )


def test_compliance_rules():
    assert (
        compliance_problems(
            device_type="desktop", encrypted="yes", passcode="no", os_supported=True
        )
        == ()
    )
    assert compliance_problems(
        device_type="basic_phone", encrypted="no", passcode="unknown", os_supported=True
    ) == ("whether it has a passcode is not known",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Windows 11 23H2", ("Windows", "11 23H2")),
        ("iOS 17.5", ("iOS", "17.5")),
        ("Chrome OS 120", ("Chrome OS", "120")),
        ("KaiOS", ("KaiOS", "")),
    ],
)
def test_split_os(text, expected):
    assert split_os(text) == expected


@pytest.mark.parametrize(
    ("name", "version", "supported"),
    [
        ("Windows", "11 23H2", True),
        ("Windows", "10 22H2", False),
        ("iOS", "17.0", True),
        ("iOS", "16.7.8", False),
        ("Android", "13", True),
        ("Android", "12", False),
        ("KaiOS", "2.5", True),  # no minimum configured for the platform
        ("Android", "", False),
        ("", "", False),
    ],
)
def test_os_minimums(name, version, supported):
    minimums = {"windows": "11", "ios": "17", "android": "13"}
    assert os_is_supported(name, version, minimums) is supported


def test_default_policy_gives_the_foi_1f_answer():
    assert summarise_personal_policy(POLICY) == (
        "prevent_some",
        ["contact_clients", "save_to_device"],
        [
            "access_central_records",
            "collaboration_tools",
            "contact_external_partners",
            "email_colleagues",
            "save_to_central_storage",
        ],
    )


def test_task_verdicts_in_plain_words():
    verdicts = {v.task: v for v in task_verdicts(PERSONAL_PHONE_NO_PASSCODE, POLICY)}
    assert verdicts["personal_use"].allowed
    assert verdicts["save_to_device"].explanation == "prevented by the task policy"
    assert verdicts["access_central_records"].explanation == (
        "needs a passcode on the device: this device has no passcode"
    )
    assert all(not v.allowed for v in task_verdicts(None, POLICY))
