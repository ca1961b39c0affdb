"""The demo council's retention: cases past retention, listed for IG to approve."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from rich.console import Console

from safekeep.operations.demo import demo_load
from safekeep.records.models import Case
from safekeep.retention.models import DisposalBatch

pytestmark = pytest.mark.django_db


def test_demo_has_cases_past_retention_for_ig(settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path
    demo_load(
        today=dt.date(2026, 11, 23),
        console=Console(file=io.StringIO()),
        steps=[
            "safekeep.operations.demo.council.load_organisation",
            "safekeep.operations.demo.casework.load_caseloads",
            "safekeep.operations.demo.retention.load_retention",
        ],
    )
    batch = DisposalBatch.objects.get()
    assert batch.items.count() == 5
    assert Case.objects.filter(case_type="looked_after_child").exists()
    assert not Case.objects.filter(case_type="other", closed_on__isnull=True).exists()
