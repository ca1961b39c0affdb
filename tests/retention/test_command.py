"""`safekeep retention`: IG lists, holds and approves from the command line; others are refused."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from safekeep.records.models import Case
from safekeep.retention import services
from safekeep.retention.models import DisposalBatch
from tests.factories import make_staff
from tests.retention.helpers import ORIGIN, ig_officer, old_case

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("retention", *args, stdout=out)
    return out.getvalue()


def test_ig_approves_a_list_by_command() -> None:
    case = old_case()
    ig = ig_officer()
    services.disposal_list(now=timezone.now(), origin=ORIGIN)
    batch = DisposalBatch.objects.get()
    assert case.case_id in _run("due", "--actor", ig.staff_id)
    said = _run(
        "approve", "--batch", str(batch.pk), "--reason", "Retention ended", "--actor", ig.staff_id
    )
    assert said == f"Disposed of 1 case(s): {case.case_id}; kept 0: -.\n"
    assert not Case.objects.filter(pk=case.pk).exists()
    assert case.case_id in _run("disposed", "--actor", ig.staff_id)


def test_a_hold_by_command_and_a_refusal() -> None:
    case = old_case()
    ig = ig_officer()
    _run("hold", "--case", case.case_id, "--reason", "Police investigation", "--actor", ig.staff_id)
    with pytest.raises(CommandError, match="already under a legal hold"):
        _run(
            "hold",
            "--case",
            case.case_id,
            "--reason",
            "Police investigation",
            "--actor",
            ig.staff_id,
        )
    with pytest.raises(CommandError, match="Refused: only information governance"):
        _run("due", "--actor", make_staff().staff_id)
