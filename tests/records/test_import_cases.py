"""`safekeep import cases`: all-or-nothing, errors by line and column, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest

from safekeep.audit.writing import Origin
from safekeep.core.csv_import import ImportFailed, run_import
from safekeep.records.models import Allocation, Case, Subject
from tests.factories import make_staff, make_team

pytestmark = pytest.mark.django_db
HEADER = (
    "case_id,subject_id,subject_kind,given_name,family_name,date_of_birth,owning_team,"
    "classification,restricted,allocated_staff_ids,opened_on,closed_on"
)
ORIGIN = Origin.command("test")


@pytest.fixture
def org():
    team = make_team("Children West")
    worker = make_staff(team=team, staff_id="S1")
    other = make_staff(team=team, staff_id="S2")
    make_staff(team=team, staff_id="S9", end_date=dt.date(2024, 1, 1))
    return team, worker, other


def run(*lines: str):
    return run_import("cases", ("\n".join((HEADER, *lines)) + "\n").encode(), origin=ORIGIN)


GOOD = [
    "C1,P1,child,Amy,Stone,2015-02-03,Children West,OFFICIAL,no,S1,2025-01-01,",
    "C2,P2,adult,Bob,Reed,,Children West,OFFICIAL-SENSITIVE,yes,S1;S2,2025-01-01,2025-06-01",
    "C3,S2,staff,Test,Person,,Children West,OFFICIAL,yes,S1,2025-01-01,",
]


def test_imports_cases_subjects_and_allocations(org):
    result = run(*GOOD)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    c2 = Case.objects.get(case_id="C2")
    assert (c2.classification, c2.subject.restricted, c2.closed_on) == (
        "OFFICIAL-SENSITIVE",
        True,
        dt.date(2025, 6, 1),
    )
    assert sorted(c2.allocations.values_list("staff__staff_id", flat=True)) == ["S1", "S2"]
    assert Subject.objects.get(subject_id="S2").staff == org[2]


def test_importing_twice_changes_nothing(org):
    run(*GOOD)
    result = run(*GOOD)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert Allocation.objects.count() == 4


def test_a_changed_row_updates(org):
    run(*GOOD)
    result = run(GOOD[0].replace(",no,S1,", ",yes,S1;S2,"), *GOOD[1:])
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert Subject.objects.get(subject_id="P1").restricted is True


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "C1,P1,pet,Amy,Stone,,Children West,OFFICIAL,no,,2025-01-01,",
            "line 2, column subject_kind: 'pet' is not one of child, adult or staff",
        ),
        (
            "C1,P1,child,Amy,Stone,,Nowhere,OFFICIAL,no,,2025-01-01,",
            "line 2, column owning_team: there is no team called 'Nowhere'",
        ),
        (
            "C1,P1,child,Amy,Stone,,Children West,SECRET,no,,2025-01-01,",
            "line 2, column classification: 'SECRET' is not one of OFFICIAL or OFFICIAL-SENSITIVE",
        ),
        (
            "C1,P1,child,Amy,Stone,,Children West,OFFICIAL,maybe,,2025-01-01,",
            "line 2, column restricted: 'maybe' is not yes or no",
        ),
        (
            "C1,P1,child,Amy,Stone,,Children West,OFFICIAL,no,S7,2025-01-01,",
            "line 2, column allocated_staff_ids: there is no staff member 'S7'",
        ),
        (
            "C1,P1,child,Amy,Stone,,Children West,OFFICIAL,no,,01/02/2025,",
            "line 2, column opened_on: '01/02/2025' is not a date in the form YYYY-MM-DD "
            "(ISO 8601)",
        ),
        (
            "C1,P1,child,Amy,Stone,,Children West,OFFICIAL,no,,2025-01-02,2025-01-01",
            "line 2, column closed_on: the closing date 2025-01-01 is before the opening date "
            "2025-01-02",
        ),
        (
            "C1,X1,staff,Amy,Stone,,Children West,OFFICIAL,no,,2025-01-01,",
            "line 2, column subject_id: a staff subject's subject_id must be a staff_id; there "
            "is no staff member 'X1'",
        ),
        (
            "C1,S1,staff,Test,Person,,Children West,OFFICIAL,no,S1,2025-01-01,",
            "line 2, column allocated_staff_ids: 'S1' cannot be allocated to their own record",
        ),
        (
            "C1,P1,child,,Stone,,Children West,OFFICIAL,no,,2025-01-01,",
            "line 2, column given_name: is empty; a value is required",
        ),
    ],
)
def test_each_error_rejects_the_whole_file(org, line, message):
    with pytest.raises(ImportFailed) as failed:
        run(GOOD[1], line.replace("line 2", ""))
    assert [m.replace("line 3", "line 2") for m in failed.value.messages] == [message]
    assert Case.objects.count() == 0


def test_subject_with_two_identities_in_one_file(org):
    with pytest.raises(ImportFailed) as failed:
        run(GOOD[0], "C9,P1,child,Other,Name,,Children West,OFFICIAL,no,,2025-01-01,")
    assert failed.value.messages == [
        "line 3, column subject_id: 'P1' appears earlier in the file with a different kind, "
        "name or date of birth"
    ]


def test_repeated_case_id(org):
    with pytest.raises(ImportFailed) as failed:
        run(GOOD[0], GOOD[0])
    assert len(failed.value.messages) == 1
    assert failed.value.messages[0].startswith("line 3")
    assert Case.objects.count() == 0


def test_command_line(org, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "cases.csv"
    path.write_text("\n".join((HEADER, *GOOD)) + "\n", encoding="utf-8")
    call_command("import_data", "cases", str(path))
    assert Case.objects.count() == 3
