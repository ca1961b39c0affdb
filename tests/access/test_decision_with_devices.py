"""`decide` = the relationship rules, then the device rules: a table of device x action.

The same allocated worker asks for each action from each kind of device (DESIGN.md's
"Device" rules and the default task policy); a refusal by the relationship rules is never
turned into an allowance by a device.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from safekeep.access.policy import ActorFacts, AllocationFacts, CaseFacts, Context, decide
from safekeep.access.vocabulary import Obligation
from safekeep.access.wording import USE_ENROLLED_DEVICE
from safekeep.devices.vocabulary import ALLOWED, DeviceFacts, TaskPolicySnapshot, TaskRule
from tests.factories import LAPTOP_FACTS

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
WORKER = ActorFacts(staff_pk=1, roles=frozenset({"practitioner"}), employment_type="employee")
ALLOCATED = CaseFacts(
    case_pk=1,
    owning_team_id=10,
    classification="OFFICIAL",
    subject_restricted=False,
    allocations=(AllocationFacts("allocated_worker", dt.date(2025, 1, 1), None),),
)
STRANGER_CASE = replace(ALLOCATED, allocations=())

LAPTOP = LAPTOP_FACTS
UNENCRYPTED_ON_SITE = replace(LAPTOP, encrypted="no")
UNENCRYPTED_OFF_SITE = replace(LAPTOP, encrypted="no", on_site=False)
TABLET_NO_PASSCODE = replace(LAPTOP, device_type="tablet", passcode="no", label="council tablet")
PHONE = replace(LAPTOP, ownership="personal", device_type="smartphone", label="personal phone")
PHONE_NO_PASSCODE = replace(PHONE, passcode="no")
LOST = replace(LAPTOP, status="lost")

A = True
R = False
# device, then view / edit / download / print (secure printer) / share_external
TABLE = [
    ("compliant council laptop", LAPTOP, (A, A, A, A, A)),
    ("unencrypted laptop on site", UNENCRYPTED_ON_SITE, (R, R, R, R, R)),
    ("unencrypted laptop off site", UNENCRYPTED_OFF_SITE, (R, R, R, R, R)),
    ("tablet without passcode", TABLET_NO_PASSCODE, (R, R, R, R, R)),
    ("personal phone with passcode", PHONE, (A, A, R, R, A)),
    ("personal phone without passcode", PHONE_NO_PASSCODE, (R, R, R, R, R)),
    ("unknown device", None, (R, R, R, R, R)),
    ("lost laptop", LOST, (R, R, R, R, R)),
]
ACTIONS = ("view", "edit", "download", "print", "share_external")


@pytest.mark.parametrize(("label", "device", "expected"), TABLE, ids=[row[0] for row in TABLE])
def test_device_rows(label: str, device: DeviceFacts | None, expected: tuple[bool, ...]) -> None:
    context = Context(now=NOW, device=device, printer_secure=True)
    answers = tuple(decide(WORKER, action, ALLOCATED, context).allowed for action in ACTIONS)
    assert answers == expected, label


def test_a_device_refusal_says_why_and_what_to_do() -> None:
    decision = decide(WORKER, "download", ALLOCATED, Context(now=NOW, device=PHONE))
    assert decision.reasons == (
        "downloads need a council device; this is a personal phone (task policy version 0)",
    )
    assert decision.advice == (USE_ENROLLED_DEVICE,)
    assert not decision.sees_sensitive_entries


def test_an_unencrypted_laptop_off_site_raises_an_incident() -> None:
    decision = decide(WORKER, "view", ALLOCATED, Context(now=NOW, device=UNENCRYPTED_OFF_SITE))
    assert Obligation.RAISE_INCIDENT in decision.obligations
    on_site = decide(WORKER, "view", ALLOCATED, Context(now=NOW, device=UNENCRYPTED_ON_SITE))
    assert Obligation.RAISE_INCIDENT not in on_site.obligations


def test_allowed_decisions_give_both_reasons() -> None:
    decision = decide(WORKER, "view", ALLOCATED, Context(now=NOW, device=LAPTOP))
    assert decision.reasons == (
        "allocated worker since 2025-01-01",
        "viewing records is allowed on a council laptop (task policy version 0)",
    )


def test_printing_needs_a_secure_printer() -> None:
    unknown_printer = decide(WORKER, "print", ALLOCATED, Context(now=NOW, device=LAPTOP))
    insecure = decide(
        WORKER, "print", ALLOCATED, Context(now=NOW, device=LAPTOP, printer_secure=False)
    )
    assert not unknown_printer.allowed and not insecure.allowed


@pytest.mark.parametrize("device", [LAPTOP, PHONE, None], ids=["laptop", "phone", "unknown"])
def test_no_device_turns_a_relationship_refusal_into_access(device: DeviceFacts | None) -> None:
    decision = decide(WORKER, "view", STRANGER_CASE, Context(now=NOW, device=device))
    assert not decision.allowed
    assert decision.reasons == (
        "you are not allocated to this case and have no approved access to it",
    )


def test_a_personal_device_its_management_finds_non_compliant_is_refused_even_where_allowed() -> (
    None
):
    """IG may set a task to plain "allowed" on personal phones; a phone Intune reports
    non-compliant still gets nothing (only council devices were checked before)."""
    everything_allowed = TaskPolicySnapshot(
        version=7,
        rules={
            ("personal", "smartphone", task): TaskRule(ALLOWED)
            for task in ("access_central_records", "save_to_central_storage", "save_to_device")
        },
    )
    reported = replace(PHONE, mdm_compliance="noncompliant", passcode="unknown")
    for device, allowed in ((PHONE, True), (reported, False)):
        context = Context(now=NOW, device=device, task_policy=everything_allowed)
        decision = decide(WORKER, "view", ALLOCATED, context)
        assert decision.allowed is allowed, decision.reasons
    refused = decide(
        WORKER, "view", ALLOCATED, Context(now=NOW, device=reported, task_policy=everything_allowed)
    )
    assert any("not compliant" in reason for reason in refused.reasons), refused.reasons
