"""The import framework: the error format, all-or-nothing, the registry, the audit entry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import Origin
from safekeep.core.csv_import import (
    CellError,
    ImportCounts,
    Importer,
    ImportFailed,
    Parsed,
    Progress,
    Row,
    UnknownImportKind,
    get_importer,
    parse_date,
    parse_enum,
    parse_identifier,
    parse_list,
    parse_yes_no,
    register_importer,
    run_import,
)

ORIGIN = Origin.command("test")


class _Toy(Importer[tuple[str, dt.date]]):
    """A tiny importer that records what it would write, to test the framework alone."""

    kind = "toy"
    columns = ("key", "when", "colour")
    key_columns = ("key",)
    applied: list[tuple[str, dt.date]] = []

    def parse_row(self, row: Row) -> tuple[str, dt.date] | None:
        key = row.text("key")
        when = row.date("when")
        row.enum("colour", ["red", "blue"])
        return (key, when) if when else None

    def validate(self, rows: list[Parsed[tuple[str, dt.date]]]) -> None:
        for parsed in rows:
            if parsed.item[0] == "forbidden":
                self.error(parsed.line, "key", "is forbidden")

    def apply(self, rows: list[Parsed[tuple[str, dt.date]]], progress: Progress) -> ImportCounts:
        _Toy.applied.extend(parsed.item for parsed in rows)
        return ImportCounts(created=len(rows))


register_importer("toy", _Toy)


def _fail(data: bytes) -> list[str]:
    with pytest.raises(ImportFailed) as caught:
        run_import("toy", data, origin=ORIGIN)
    return caught.value.messages


@pytest.fixture(autouse=True)
def _reset() -> None:
    _Toy.applied.clear()


def test_parsers() -> None:
    assert parse_date("2026-02-28") == dt.date(2026, 2, 28)
    assert parse_yes_no(" Yes ") is True
    assert parse_yes_no("no") is False
    assert parse_enum("red", ["red", "blue"]) == "red"
    assert parse_list("a; b;;a", choices=["a", "b"]) == ["a", "b"]
    with pytest.raises(CellError, match=r"^'28/02/2026' is not a date in the form YYYY-MM-DD"):
        parse_date("28/02/2026")
    with pytest.raises(CellError, match=r"^'2026-02-30' is not a real date$"):
        parse_date("2026-02-30")
    with pytest.raises(CellError, match=r"^'maybe' is not yes or no$"):
        parse_yes_no("maybe")
    with pytest.raises(CellError, match=r"^'green' is not one of red or blue$"):
        parse_enum("green", ["red", "blue"])
    with pytest.raises(CellError, match=r"^'c', 'd' are not one of a or b$"):
        parse_list("a;c;d", choices=["a", "b"])


@pytest.mark.django_db
def test_a_good_file_is_applied_and_audited_with_counts_only() -> None:
    result = run_import(
        "toy", b"colour,when,key\nred,2026-01-01,a\nblue,2026-01-02,b\n", origin=ORIGIN
    )
    assert result.summary() == "Imported 2 toy rows: 2 created, 0 updated, 0 unchanged."
    assert _Toy.applied == [("a", dt.date(2026, 1, 1)), ("b", dt.date(2026, 1, 2))]
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.decision, entry.object_id) == ("import.toy", "done", result.sha256)
    assert entry.reasons == ["rows 2", "created 2", "updated 0", "unchanged 0"]


@pytest.mark.django_db
def test_every_problem_is_listed_by_line_and_column_and_nothing_is_applied() -> None:
    data = (
        b"key,when,colour\n"
        b"a,2026-01-01,red\n"
        b"b,01/02/2026,green\n"
        b",2026-01-03,red\n"
        b"a,2026-01-04,red\n"
        b"forbidden,2026-01-05,red\n"
        b"c,2026-01-06\n"
    )
    assert _fail(data) == [
        "line 3, column when: '01/02/2026' is not a date in the form YYYY-MM-DD (ISO 8601)",
        "line 3, column colour: 'green' is not one of red or blue",
        "line 4, column key: is empty; a value is required",
        "line 5, column key: 'a' is also on line 2; each key may appear only once",
        "line 6, column key: is forbidden",
        "line 7: has 2 values but the header row has 3 columns",
    ]
    assert _Toy.applied == []
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.decision) == ("import.toy", "refused")
    assert entry.reasons == ["6 problems found; nothing was written"]


@pytest.mark.django_db
def test_header_problems() -> None:
    assert _fail(b"key,when,shade,when\na,2026-01-01,red,x\n") == [
        "line 1, column shade: unknown column; the columns are key, when, colour",
        "line 1, column when: appears more than once in the header row",
        "line 1, column colour: missing column",
    ]


@pytest.mark.django_db
def test_empty_file_and_header_only() -> None:
    assert _fail(b"") == ["line 1: the file is empty; it needs a header row: key, when, colour"]
    assert _fail(b"  \n\n") == [
        "line 1: the file is empty; it needs a header row: key, when, colour"
    ]
    assert _fail(b"key,when,colour\n") == ["line 2: there are no rows after the header row"]


@pytest.mark.django_db
def test_non_utf8_bytes_are_reported_by_line() -> None:
    data = b"key,when,colour\na,2026-01-01,red\nb\xe9,2026-01-02,red\nc,bad,red\n"
    assert _fail(data) == [
        "line 3: contains a byte (0xE9) that is not UTF-8 text; "
        "save the file as CSV UTF-8 and try again",
        "line 4, column when: 'bad' is not a date in the form YYYY-MM-DD (ISO 8601)",
    ]


@pytest.mark.django_db
def test_bom_blank_lines_quoted_newlines_and_header_case() -> None:
    data = '\ufeffKey, When ,colour\r\n\r\n"multi\nline",2026-01-01,red\r\nz,2026-01-02,blue\r\n'
    result = run_import("toy", data.encode(), origin=ORIGIN)
    assert result.rows == 2
    assert _Toy.applied[0] == ("multi\nline", dt.date(2026, 1, 1))


@pytest.mark.django_db
def test_line_numbers_follow_quoted_newlines() -> None:
    data = b'key,when,colour\n"a\nb",2026-01-01,red\nc,nope,red\n'
    assert _fail(data) == [
        "line 4, column when: 'nope' is not a date in the form YYYY-MM-DD (ISO 8601)"
    ]


def test_registry() -> None:
    assert get_importer("toy") is _Toy
    register_importer("toy", _Toy)  # registering the same class again is harmless
    with pytest.raises(ValueError, match="already registered"):
        register_importer("toy", type("Other", (_Toy,), {}))
    with pytest.raises(UnknownImportKind, match=r"^There is no import called 'nope'\. The"):
        get_importer("nope")


@pytest.mark.django_db
def test_long_imports_show_progress_on_a_terminal() -> None:
    import io

    from rich.console import Console

    from safekeep.core.csv_import import PROGRESS_THRESHOLD

    rows = "".join(f"k{i},2026-01-01,red\n" for i in range(PROGRESS_THRESHOLD))
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=80)
    result = run_import("toy", f"key,when,colour\n{rows}".encode(), origin=ORIGIN, console=console)
    assert result.rows == PROGRESS_THRESHOLD
    assert "Checking" in out.getvalue() and "Writing" in out.getvalue()


@pytest.mark.django_db
def test_lines_ending_in_a_lone_carriage_return_are_numbered_as_the_file_is() -> None:
    data = b"key,when,colour\ra,2026-01-01,red\rb\xe9,2026-01-02,red\rc,bad,red\r"
    assert _fail(data) == [
        "line 3: contains a byte (0xE9) that is not UTF-8 text; "
        "save the file as CSV UTF-8 and try again",
        "line 4, column when: 'bad' is not a date in the form YYYY-MM-DD (ISO 8601)",
    ]


@pytest.mark.django_db
def test_over_a_thousand_problems_the_summary_counts_every_one() -> None:
    rows = "".join(f"k{n},not a date,red\n" for n in range(1500))
    with pytest.raises(ImportFailed) as caught:
        run_import("toy", ("key,when,colour\n" + rows).encode(), origin=ORIGIN)
    assert str(caught.value) == (
        "The toy file was not imported: 1500 problems found. Nothing was changed."
    )
    assert len(caught.value.messages) == 1001
    assert caught.value.messages[-1] == "line 1002: and 500 more problems not listed"
    entry = AuditEntry.objects.get(action="import.toy")
    assert entry.reasons == ["1500 problems found; nothing was written"]


def test_an_id_that_a_spreadsheet_would_run_as_a_formula_is_refused() -> None:
    for formula in ('=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)"):
        with pytest.raises(CellError) as caught:
            parse_identifier(f" {formula}")
        assert str(caught.value) == (
            f"{formula!r} starts with {formula[0]!r}, which a spreadsheet runs as a formula; "
            "an id cannot start with =, +, - or @"
        )
    assert parse_identifier(" S0-01 ") == "S0-01"


CASES_HEADER = (
    "case_id,subject_id,subject_kind,given_name,family_name,date_of_birth,owning_team,"
    "classification,restricted,allocated_staff_ids,opened_on,closed_on"
)
DEVICES_HEADER = "asset_tag,device_type,ownership,assigned_staff_id,encrypted,passcode,os,site"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "header", "row", "column", "value"),
    [
        (
            "cases",
            CASES_HEADER,
            "=1+1,P1,child,A,B,2015-01-01,T,OFFICIAL,no,,2025-01-01,",
            "case_id",
            "=1+1",
        ),
        (
            "cases",
            CASES_HEADER,
            "C1,P1,child,A,B,2015-01-01,T,OFFICIAL,no,S1;@cmd,2025-01-01,",
            "allocated_staff_ids",
            "@cmd",
        ),
        ("devices", DEVICES_HEADER, "+LAP1,laptop,council,,yes,yes,Windows,", "asset_tag", "+LAP1"),
        (
            "staff",
            "staff_id,given_name,family_name,email,directorate,team,role,employment_type,"
            "works_with_vulnerable_people,work_pattern,start_date,end_date",
            "-S1,A,B,a@b.example,D,T,practitioner,employee,yes,office,2020-01-01,",
            "staff_id",
            "-S1",
        ),
    ],
)
def test_formula_like_ids_are_refused_by_line_and_column(
    kind: str, header: str, row: str, column: str, value: str
) -> None:
    with pytest.raises(ImportFailed) as caught:
        run_import(kind, f"{header}\n{row}\n".encode(), origin=ORIGIN)
    assert (
        f"line 2, column {column}: {value!r} starts with {value[0]!r}, which a spreadsheet runs "
        "as a formula; an id cannot start with =, +, - or @"
    ) in caught.value.messages


class _ToyPlan:
    def __init__(self, number: int, rows: int) -> None:
        self.number = number
        self.counts = ImportCounts(created=rows)

    def write(self, progress: Progress) -> None:
        _Planned.events.append(("write", self.number, len(connection.atomic_blocks)))


class _Planned(_Toy):
    """A toy whose writes are planned before the transaction; `changes` says how many times
    someone else changes the database while it plans (its fingerprint moves)."""

    kind = "toy-planned"
    events: list[tuple[str, int, int]] = []  # what, which plan, transactions open
    version = 0
    changes = 0

    def fingerprint(self) -> object:
        return _Planned.version

    def plan(self, rows: list[Parsed[tuple[str, dt.date]]], progress: Progress) -> _ToyPlan:
        number = sum(1 for event in _Planned.events if event[0] == "plan") + 1
        _Planned.events.append(("plan", number, len(connection.atomic_blocks)))
        if _Planned.changes:
            _Planned.changes -= 1
            _Planned.version += 1  # someone edited staff meanwhile
        return _ToyPlan(number, len(rows))


register_importer("toy-planned", _Planned)
PLANNED = b"key,when,colour\na,2026-01-01,red\n"


@pytest.mark.django_db
def test_a_planned_import_works_out_its_writes_outside_the_transaction() -> None:
    _Planned.events, _Planned.changes = [], 0
    outside = len(connection.atomic_blocks)  # the test's own transaction
    result = run_import("toy-planned", PLANNED, origin=ORIGIN)
    assert _Planned.events == [("plan", 1, outside), ("write", 1, outside + 1)]
    assert result.created == 1
    assert AuditEntry.objects.get().reasons == ["rows 1", "created 1", "updated 0", "unchanged 0"]


@pytest.mark.django_db
def test_a_plan_is_built_again_under_the_lock_when_the_database_changed_meanwhile() -> None:
    _Planned.events, _Planned.changes = [], 1
    outside = len(connection.atomic_blocks)
    run_import("toy-planned", PLANNED, origin=ORIGIN)
    inside = outside + 1
    assert _Planned.events == [("plan", 1, outside), ("plan", 2, inside), ("write", 2, inside)]
