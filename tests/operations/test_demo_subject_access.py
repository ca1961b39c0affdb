"""The demo council's subject access requests: one open with a withheld entry, one answered."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
import pyzipper
from rich.console import Console

from safekeep.operations.demo import demo_load
from safekeep.operations.demo.subject_access import DEMO_EXPORT_PASSWORD, WITHHELD_REASON
from safekeep.subject_access.models import Export, SubjectAccessRequest, Withholding
from safekeep.subject_access.selectors import open_requests

pytestmark = pytest.mark.django_db


def test_demo_has_an_open_request_with_a_withheld_entry_and_an_answered_one(
    settings, tmp_path
) -> None:
    settings.DATA_DIR = tmp_path
    today = dt.date(2026, 11, 23)
    out = io.StringIO()
    demo_load(
        today=today,
        console=Console(file=out),
        steps=[
            "safekeep.operations.demo.council.load_organisation",
            "safekeep.operations.demo.casework.load_caseloads",
            "safekeep.operations.demo.subject_access.load_subject_access",
        ],
    )
    [row] = open_requests(today=today)
    assert row.clock.due_on == dt.date(2026, 11, 29) and row.clock.due_soon
    [held] = Withholding.objects.filter(request=row.request)
    assert held.reason == WITHHELD_REASON and held.entry.case.subject == row.request.subject
    answered = SubjectAccessRequest.objects.get(status=SubjectAccessRequest.Status.SENT)
    assert answered.identity_confirmed_on == dt.date(2026, 10, 14)
    [made] = Export.objects.filter(request=answered)
    with pyzipper.AESZipFile(Path(made.path)) as archive:
        archive.setpassword(DEMO_EXPORT_PASSWORD.encode())
        assert b'"withheld": []' in archive.read("subject-access.json")
    assert "one open request" in out.getvalue()
