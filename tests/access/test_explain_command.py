"""`safekeep access explain`: the same decision as the pages, in words or JSON, and audited."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safekeep.audit.models import AuditEntry
from tests.factories import make_case, make_device, make_staff, make_user

pytestmark = pytest.mark.django_db


def explain(*args: str) -> str:
    out = StringIO()
    call_command("access", "explain", *args, stdout=out)
    return out.getvalue()


def test_json_form_for_an_allocated_worker_on_their_council_laptop() -> None:
    worker = make_staff()
    case = make_case(allocated=(worker,))
    make_device(asset_tag="LAP-0042", staff=worker)
    out = explain(
        "--staff", worker.staff_id, "--case", case.case_id, "--action", "view", "--json",
        "--device", "LAP-0042",
    )  # fmt: skip
    assert json.loads(out) == {
        "allowed": True,
        "reasons": [
            "allocated worker since 2025-01-01",
            "viewing records is allowed on a council laptop (task policy version 0)",
        ],
        "obligations": ["audit"],
    }


def test_without_a_device_the_request_is_from_an_unknown_personal_device() -> None:
    worker = make_staff()
    case = make_case(allocated=(worker,))
    out = explain("--staff", worker.staff_id, "--case", case.case_id, "--action", "view", "--json")
    assert json.loads(out) == {
        "allowed": False,
        "reasons": [
            "this device is not enrolled with Safekeep, so it is treated as a personal, "
            "unmanaged device and case content cannot be opened on it"
        ],
        "obligations": ["audit"],
    }


def test_the_same_worker_gets_different_answers_on_different_devices() -> None:
    worker = make_staff()
    case = make_case(allocated=(worker,))
    make_device(asset_tag="PHONE-1", staff=worker, ownership="personal", device_type="smartphone",
                os_name="Android", os_version="14")  # fmt: skip
    make_device(asset_tag="LAP-OFF", staff=worker, encrypted="no", on_site=False)
    base = ("--staff", worker.staff_id, "--case", case.case_id, "--json")
    phone_view = json.loads(explain(*base, "--action", "view", "--device", "PHONE-1"))
    phone_download = json.loads(explain(*base, "--action", "download", "--device", "PHONE-1"))
    laptop_view = json.loads(explain(*base, "--action", "view", "--device", "LAP-OFF"))
    assert phone_view["allowed"] is True
    assert phone_download == {
        "allowed": False,
        "reasons": [
            "downloads need a council device; this is a personal phone (task policy version 0)"
        ],
        "obligations": ["audit"],
    }
    assert laptop_view["allowed"] is False
    assert "incident:unencrypted_device_removed" in laptop_view["obligations"]


def test_text_form_explains_a_refusal_and_what_to_do() -> None:
    stranger = make_staff(given_name="Ada", family_name="Lovelace")
    case = make_case()
    out = explain("--staff", stranger.staff_id, "--case", case.case_id, "--action", "edit")
    assert out.splitlines() == [
        f"REFUSED: {stranger.staff_id} (Ada Lovelace) may not edit case {case.case_id}",
        "Device: a device Safekeep does not know (treated as personal and unmanaged)",
        "Why:",
        "  - you are not allocated to this case and have no approved access to it",
        "Obligations: audit",
        "What to do:",
        "  - Ask your team manager for time-limited access.",
        "  - In an emergency, use break-glass access and give your reason.",
    ]


def test_a_disabled_account_is_refused_as_in_the_web_app() -> None:
    worker = make_staff()
    user = make_user(worker)
    user.is_active = False
    user.save()
    case = make_case(allocated=(worker,))
    out = explain("--staff", worker.staff_id, "--case", case.case_id, "--action", "view", "--json")
    assert json.loads(out)["reasons"] == ["your account is disabled"]


def test_the_explanation_is_audited_as_a_command() -> None:
    worker = make_staff()
    case = make_case(allocated=(worker,))
    explain("--staff", worker.staff_id, "--case", case.case_id, "--action", "print", "--json")
    entry = AuditEntry.objects.get()
    refusal = (
        "this device is not enrolled with Safekeep, so it is treated as a personal, "
        "unmanaged device and case content cannot be opened on it"
    )
    assert entry.actor_username == "command:access explain"
    assert (entry.action, entry.decision, entry.object_id, entry.subject_id) == (
        "access.explain",
        "refused",
        case.case_id,
        case.subject.subject_id,
    )
    assert entry.reasons == [
        f"explained for staff {worker.staff_id}, action print",
        refusal,
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--staff", "NOPE", "--case", "C1", "--action", "view"),
            "No staff member has staff ID 'NOPE'.",
        ),
        (
            ("--staff", "{staff}", "--case", "NOPE", "--action", "view"),
            "No case has case ID 'NOPE'.",
        ),
        (
            ("--staff", "{staff}", "--case", "{case}", "--action", "view", "--device", "LAP-404"),
            "No device has asset tag 'LAP-404'.",
        ),
    ],
)
def test_unknown_names_are_errors_naming_them(args: tuple[str, ...], message: str) -> None:
    worker = make_staff()
    case = make_case(allocated=(worker,))
    filled = [a.format(staff=worker.staff_id, case=case.case_id) for a in args]
    with pytest.raises(CommandError) as error:
        explain(*filled)
    assert str(error.value) == message
    assert not AuditEntry.objects.exists()


def test_unknown_action_is_rejected_by_the_parser() -> None:
    with pytest.raises(CommandError, match="invalid choice: 'delete'"):
        explain("--staff", "S1", "--case", "C1", "--action", "delete")
