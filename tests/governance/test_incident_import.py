"""`safekeep import incidents`: exactly DESIGN.md's format, all-or-nothing, every error by
line and column, idempotent keyed by the whole row."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from safekeep.audit.models import AuditEntry
from safekeep.core.csv_import import ImportFailed, ImportOptions, run_import
from safekeep.governance.models import Incident
from tests.devices.helpers import ORIGIN
from tests.factories import make_staff

pytestmark = pytest.mark.django_db
HEADER = "occurred_on,reported_on,category,staff_id,summary\n"
GOOD = HEADER + (
    "2026-09-30,2026-10-01,personal_number_shared,S1,Gave a parent a personal mobile number\n"
    '2026-10-24,2026-10-26,data_breach,,"Case notes emailed to the wrong school, recalled"\n'
    "2026-11-02,2026-11-02,lost_device,S2,Phone left on a bus\n"
)
OPTIONS = ImportOptions(today=dt.date(2026, 11, 23))


def test_a_good_file_records_every_row_with_who_was_involved():
    first, second = make_staff(staff_id="S1"), make_staff(staff_id="S2")
    result = run_import("incidents", GOOD.encode(), origin=ORIGIN, options=OPTIONS)
    assert (result.rows, result.created) == (3, 3)
    shared, breach, lost = Incident.objects.order_by("occurred_on")
    assert (shared.category, shared.staff, shared.staff_ref) == (
        "personal_number_shared",
        first,
        "S1",
    )
    assert (shared.occurred_on, shared.reported_on) == (dt.date(2026, 9, 30), dt.date(2026, 10, 1))
    assert shared.summary == "Gave a parent a personal mobile number"
    assert {i.source for i in (shared, breach, lost)} == {"import"}
    assert (breach.staff, breach.summary) == (
        None,
        "Case notes emailed to the wrong school, recalled",
    )
    assert lost.staff == second
    # An imported breach's ICO clock runs from the start of the day it was reported, in London.
    assert timezone.localtime(breach.aware_at).isoformat() == "2026-10-26T00:00:00+00:00"
    assert shared.aware_at is None


def test_every_error_is_listed_by_line_and_column_and_nothing_is_written():
    make_staff(staff_id="S1")
    data = HEADER + (
        "2026-09-30,2026-10-01,personal_number_shared,S1,Fine row\n"
        "2026-02-30,2026-10-01,shared_number,S1,Bad date and category\n"
        "2026-10-05,2026-10-01,other,S9,Reported before it happened; unknown person\n"
        "2026-11-24,2026-11-25,other,=S1,\n"
        "2026-09-30,2026-10-01,personal_number_shared,S1,Fine row\n"
    )
    with pytest.raises(ImportFailed) as caught:
        run_import("incidents", data.encode(), origin=ORIGIN, options=OPTIONS)
    assert caught.value.messages == [
        "line 3, column occurred_on: '2026-02-30' is not a real date",
        "line 3, column category: 'shared_number' is not one of data_breach, lost_device, "
        "stolen_device, unauthorised_access, personal_number_shared, "
        "unencrypted_device_removed or other",
        "line 4, column reported_on: 2026-10-01 is before the day it occurred (2026-10-05)",
        "line 5, column staff_id: '=S1' starts with '=', which a spreadsheet runs as a "
        "formula; an id cannot start with =, +, - or @",
        "line 5, column summary: is empty; a value is required",
        "line 5, column occurred_on: 2026-11-24 is in the future",
        "line 5, column reported_on: 2026-11-25 is in the future",
        "line 6: repeats line 2 exactly",
    ]
    assert not Incident.objects.exists()
    refused = AuditEntry.objects.get(action="import.incidents")
    assert (refused.decision, refused.reasons) == (
        "refused",
        ["8 problems found; nothing was written"],
    )


def test_an_unknown_person_rejects_the_whole_file():
    make_staff(staff_id="S1")
    data = GOOD.replace(",S2,", ",S404,")
    with pytest.raises(ImportFailed) as caught:
        run_import("incidents", data.encode(), origin=ORIGIN, options=OPTIONS)
    assert caught.value.messages == [
        "line 4, column staff_id: no member of staff has staff_id 'S404'"
    ]
    assert not Incident.objects.exists()


def test_the_header_is_exactly_the_designed_columns_in_any_order():
    data = "summary,staff_id,category,reported_on,occurred_on,severity\n"
    with pytest.raises(ImportFailed) as caught:
        run_import("incidents", data.encode(), origin=ORIGIN, options=OPTIONS)
    assert caught.value.messages == [
        "line 1, column severity: unknown column; the columns are occurred_on, reported_on, "
        "category, staff_id, summary"
    ]


def test_importing_the_same_file_twice_changes_nothing_the_second_time():
    make_staff(staff_id="S1")
    make_staff(staff_id="S2")
    run_import("incidents", GOOD.encode(), origin=ORIGIN, options=OPTIONS)
    again = run_import("incidents", GOOD.encode(), origin=ORIGIN, options=OPTIONS)
    assert (again.created, again.unchanged) == (0, 3)
    # A row differing in any column is another incident.
    changed = GOOD.replace("Phone left on a bus", "Phone left on a train")
    third = run_import("incidents", changed.encode(), origin=ORIGIN, options=OPTIONS)
    assert (third.created, third.unchanged) == (1, 2)
    assert Incident.objects.count() == 4
    done = AuditEntry.objects.filter(action="import.incidents", decision="done")
    assert [e.reasons[1] for e in done.order_by("id")] == ["created 3", "created 0", "created 1"]


def test_the_command_imports_and_reports_errors_by_line(tmp_path: Path):
    make_staff(staff_id="S1")
    make_staff(staff_id="S2")
    good = tmp_path / "incidents.csv"
    good.write_text(GOOD.replace("2026-11-02,2026-11-02", "2026-09-02,2026-09-02"))
    out = StringIO()
    call_command("import_data", "incidents", str(good), stdout=out)
    assert out.getvalue().strip() == "Imported 3 incidents rows: 3 created, 0 updated, 0 unchanged."
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "2026-09-30,2026-10-01,other,S3,Someone unknown\n")
    err = StringIO()
    with pytest.raises(CommandError, match=r"1 problem found\. Nothing was changed"):
        call_command("import_data", "incidents", str(bad), stderr=err)
    assert "line 2, column staff_id: no member of staff has staff_id 'S3'" in err.getvalue()
    assert Incident.objects.count() == 3
