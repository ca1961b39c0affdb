"""All-or-nothing CSV imports: one framework, one error format, one audit entry per import.

Every `safekeep import KIND FILE.csv` goes through `run_import`, which:

1. decodes the bytes as UTF-8 (a leading byte-order mark is ignored) and reports every line
   holding bytes that are not UTF-8;
2. reads the header row: columns may come in any order; missing, unknown and repeated
   columns are errors;
3. hands each data row to the importer's `parse_row`, which reads cells through the `Row`
   helpers (`row.text`, `row.identifier`, `row.date`, `row.yes_no`, `row.enum`, `row.list`)
   so every importer reports bad cells the same way (an id that a spreadsheet would run as
   a formula, starting with =, +, - or @, is refused);
4. reports rows whose key (`Importer.key_columns`, or the whole row) repeats an earlier row;
5. calls the importer's `validate` for checks across rows and against the database
   (unknown references, clashes), which report with `self.error(line, column, message)`;
6. if anything was reported, writes one refused audit entry and raises `ImportFailed`
   listing every problem as ``line N, column X: message`` — nothing is written;
7. otherwise writes everything in one transaction, with one done audit entry holding the
   created / updated / unchanged counts: either the importer's `apply` runs inside it, or
   (for the big imports) the importer's `plan` has already worked out every write outside
   it, read-only, and only the plan's `write` runs inside (below).

Steps 1 to 5 take no lock. On SQLite the transaction holds the database's one write lock,
which every audited request (every case read) needs for a moment; so an importer whose
files may be big (staff, devices: 200,000 rows) implements `plan`, building its bulk
statements beforehand (`safekeep.core.bulk`), and the lock is held for the seconds the
database takes to write them, not the minutes Python takes to work them out. A plan is
built from what the database held before the lock; `fingerprint` names that state (counts
and newest changes of the tables the plan read), and if it differs once the lock is held
the plan is built again under the lock: slower, never wrong.

Importing the same file twice changes nothing the second time: `apply` must key rows (by
`staff_id`, `asset_tag`, ... or the whole row) and count them as unchanged. Audit entries
hold the kind, the file's SHA-256 and the counts, never row content.

Other apps add kinds without touching this module, from their `AppConfig.ready()`::

    from safekeep.core.csv_import import Importer, Parsed, Row, register_importer

    class CasesImporter(Importer[CaseRow]):
        kind = "cases"
        columns = ("case_id", "subject_id", ...)
        key_columns = ("case_id",)

        def parse_row(self, row: Row) -> CaseRow | None:
            return CaseRow(case_id=row.text("case_id"), opened_on=row.date("opened_on"), ...)

        def validate(self, rows: list[Parsed[CaseRow]]) -> None:
            ...  # self.error(parsed.line, "owning_team", "unknown team ...")

        def apply(self, rows: list[Parsed[CaseRow]], progress: Progress) -> ImportCounts:
            ...  # bulk writes; progress(n) after each n rows

        # or, instead of apply, for a big file:
        def plan(self, rows: list[Parsed[CaseRow]], progress: Progress) -> Plan | None:
            ...  # reads only; returns what Plan.write will write

    register_importer("cases", CasesImporter)

A kind can also be read from another system's own export (`safekeep import devices --from
intune FILE.csv`): register that importer under the same kind with a `source`
(`register_importer("devices", IntuneDeviceImporter, source="intune")`). Such an importer
usually sets `extra_columns_ignored = True` (the export has many columns it does not use) and
may spell its columns as the export does ("Primary user UPN"): headers match them whatever
their case, and problems name them as the importer spells them.

`parse_row` may return None when the row had problems; those rows are not passed on.
The pure parsers (`parse_identifier`, `parse_date`, `parse_yes_no`, `parse_enum`,
`parse_list`) raise
`CellError` with a plain message and can be used on their own.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar

from django.db import transaction
from django.utils import timezone

from safekeep.audit.writing import Origin, audit_event

if TYPE_CHECKING:
    from rich.console import Console

T = TypeVar("T")
Progress = Callable[[int], None]

# Imports with at least this many rows show a progress bar on a terminal.
PROGRESS_THRESHOLD = 500
# Enough to fix a file in one go without flooding the terminal.
MAX_PROBLEMS = 1000

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# ---------------------------------------------------------------------------------------
# Results and errors
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the file, where it is (line 1 is the header row)."""

    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.column:
            return f"line {self.line}, column {self.column}: {self.message}"
        return f"line {self.line}: {self.message}"


class ImportFailed(Exception):
    """The file was rejected and nothing was written; `problems` lists the reasons shown (at
    most MAX_PROBLEMS and a last line saying how many more), `count` how many there were."""

    def __init__(self, kind: str, problems: Sequence[Problem], *, count: int) -> None:
        self.kind = kind
        self.problems = list(problems)
        self.count = count
        noun = "problem" if count == 1 else "problems"
        super().__init__(
            f"The {kind} file was not imported: {count} {noun} found. Nothing was changed."
        )

    @property
    def messages(self) -> list[str]:
        return [str(problem) for problem in self.problems]


class UnknownImportKind(Exception):
    """No importer is registered under that name."""

    def __init__(self, kind: str, message: str = "") -> None:
        self.kind = kind
        known = ", ".join(importer_kinds()) or "none"
        message = message or f"There is no import called {kind!r}. The imports are: {known}."
        super().__init__(message)


class UnknownImportSource(UnknownImportKind):
    """The kind exists, but cannot be read from that system's export."""

    def __init__(self, kind: str, source: str) -> None:
        self.source = source
        others = [s for s in importer_sources(kind) if s != NATIVE_SOURCE]
        known = ", ".join(others) if others else "none (only Safekeep's own format)"
        super().__init__(
            kind,
            f"A {kind} file cannot be imported from {source!r}. "
            f"The {kind} import reads from: {known}.",
        )


@dataclass(slots=True)
class ImportCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class Plan(Protocol):
    """An import's writes, worked out before the transaction (Importer.plan)."""

    counts: ImportCounts

    def write(self, progress: Progress) -> None:
        """Write it all: called inside the import's one transaction."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    kind: str
    rows: int
    created: int
    updated: int
    unchanged: int
    sha256: str
    # Accepted, but worth a person's eye (a case allocated to someone who has left).
    warnings: tuple[Problem, ...] = ()

    def summary(self) -> str:
        return (
            f"Imported {self.rows} {self.kind} rows: {self.created} created, "
            f"{self.updated} updated, {self.unchanged} unchanged."
        )


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """Choices the operator makes for one import.

    `create_missing`: create directorates, teams and other named references that do not
    exist yet, instead of rejecting the row (strict mode, the default).
    """

    create_missing: bool = False
    today: dt.date = field(default_factory=timezone.localdate)


# ---------------------------------------------------------------------------------------
# Pure cell parsers: raise CellError with a plain message
# ---------------------------------------------------------------------------------------


class CellError(ValueError):
    """A cell's value cannot be used; the message says why in plain words."""


def parse_date(value: str) -> dt.date:
    """An ISO 8601 calendar date, YYYY-MM-DD (the only form a spreadsheet cannot misread)."""
    text = value.strip()
    if not _ISO_DATE.fullmatch(text):
        raise CellError(f"{text!r} is not a date in the form YYYY-MM-DD (ISO 8601)")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CellError(f"{text!r} is not a real date") from None


# A cell starting with one of these is run as a formula when a spreadsheet opens the file.
FORMULA_STARTS = ("=", "+", "-", "@")


def parse_identifier(value: str) -> str:
    """An id (staff_id, case_id, asset_tag, ...): anything but what a spreadsheet would run."""
    text = value.strip()
    if text.startswith(FORMULA_STARTS):
        raise CellError(
            f"{text!r} starts with {text[0]!r}, which a spreadsheet runs as a formula; "
            "an id cannot start with =, +, - or @"
        )
    return text


def parse_yes_no(value: str) -> bool:
    text = value.strip().lower()
    if text == "yes":
        return True
    if text == "no":
        return False
    raise CellError(f"{value.strip()!r} is not yes or no")


def parse_enum(value: str, choices: Iterable[str]) -> str:
    """One of `choices`, exactly as spelled in the data formats (case-sensitive)."""
    allowed = list(choices)
    text = value.strip()
    if text not in allowed:
        raise CellError(f"{text!r} is not one of {_or_list(allowed)}")
    return text


def parse_list(
    value: str, *, choices: Iterable[str] | None = None, separator: str = ";"
) -> list[str]:
    """Values separated by `separator`, blanks dropped, repeats removed, order kept."""
    items: list[str] = []
    for part in value.split(separator):
        text = part.strip()
        if text and text not in items:
            items.append(text)
    if choices is not None:
        allowed = list(choices)
        wrong = [item for item in items if item not in allowed]
        if wrong:
            shown = ", ".join(repr(item) for item in wrong)
            raise CellError(
                f"{shown} {'is' if len(wrong) == 1 else 'are'} not one of {_or_list(allowed)}"
            )
    return items


def _or_list(values: Sequence[str]) -> str:
    if len(values) == 1:
        return values[0]
    return ", ".join(values[:-1]) + " or " + values[-1]


# ---------------------------------------------------------------------------------------
# A data row, read through helpers that record problems instead of raising
# ---------------------------------------------------------------------------------------


class Row:
    """One data row. Helpers return None (or a safe empty value) and record a problem."""

    def __init__(self, line: int, values: Mapping[str, str], sink: list[Problem]) -> None:
        self.line = line
        self.values = values
        self._sink = sink
        self.problem_count = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def error(self, column: str | None, message: str) -> None:
        self.problem_count += 1
        self._sink.append(Problem(self.line, column, message))

    def raw(self, column: str) -> str:
        return self.values.get(column, "").strip()

    def text(self, column: str, *, required: bool = True, max_length: int | None = None) -> str:
        value = self.raw(column)
        if required and not value:
            self.error(column, "is empty; a value is required")
        elif max_length is not None and len(value) > max_length:
            self.error(column, f"is longer than {max_length} characters")
        return value

    def identifier(self, column: str, *, required: bool = True, max_length: int = 40) -> str:
        """An id column: text that is not formula-like (see `parse_identifier`)."""
        value = self.text(column, required=required, max_length=max_length)
        if value:
            self._parse(column, parse_identifier, value)
        return value

    def identifier_list(self, column: str) -> list[str]:
        """A list of ids separated by `;`, none of them formula-like."""
        items = self.list(column)
        for item in items:
            self._parse(column, parse_identifier, item)
        return items

    def date(self, column: str, *, required: bool = True) -> dt.date | None:
        value = self.raw(column)
        if not value:
            if required:
                self.error(column, "is empty; a date in the form YYYY-MM-DD is required")
            return None
        return self._parse(column, parse_date, value)

    def yes_no(self, column: str) -> bool | None:
        value = self.raw(column)
        if not value:
            self.error(column, "is empty; yes or no is required")
            return None
        return self._parse(column, parse_yes_no, value)

    def enum(self, column: str, choices: Iterable[str], *, required: bool = True) -> str | None:
        value = self.raw(column)
        allowed = list(choices)
        if not value:
            if required:
                self.error(column, f"is empty; one of {_or_list(allowed)} is required")
            return None
        return self._parse(column, lambda v: parse_enum(v, allowed), value)

    def list(
        self,
        column: str,
        *,
        choices: Iterable[str] | None = None,
        required: bool = False,
        separator: str = ";",
    ) -> list[str]:
        value = self.raw(column)
        items = self._parse(
            column, lambda v: parse_list(v, choices=choices, separator=separator), value
        )
        if items is None:
            return []
        if required and not items:
            self.error(
                column, f"is empty; at least one value is required (separate with {separator})"
            )
        return items

    def parsed(self, column: str, parser: Callable[[str], T], *, required: bool = True) -> T | None:
        """A cell read by the importer's own parser (which raises CellError): for another
        system's vocabulary. An empty cell is a problem if `required`, else goes to `parser`."""
        value = self.raw(column)
        if required and not value:
            self.error(column, "is empty; a value is required")
            return None
        return self._parse(column, parser, value)

    def _parse(self, column: str, parser: Callable[[str], T], value: str) -> T | None:
        try:
            return parser(value)
        except CellError as exc:
            self.error(column, str(exc))
            return None


@dataclass(frozen=True, slots=True)
class Parsed(Generic[T]):
    """A row that parsed cleanly: its line number (for later errors) and the importer's value."""

    line: int
    item: T


# ---------------------------------------------------------------------------------------
# Importers and their registry
# ---------------------------------------------------------------------------------------


class Importer(Generic[T]):
    """Base class for one CSV format. Subclasses set `kind`, `columns`, and implement
    `parse_row` and `apply`; `validate` is optional. Only `apply` may write."""

    kind: ClassVar[str] = ""
    columns: ClassVar[tuple[str, ...]] = ()
    # Columns read when the file has them, not missing when it does not.
    optional_columns: ClassVar[tuple[str, ...]] = ()
    # True for another system's export: columns it does not read are ignored, not errors.
    extra_columns_ignored: ClassVar[bool] = False
    # Columns whose values identify a row; None means the whole row is its own key.
    key_columns: ClassVar[tuple[str, ...] | None] = None

    def __init__(self, *, options: ImportOptions | None = None, origin: Origin) -> None:
        self.options = options or ImportOptions()
        self.origin = origin  # who runs the import: what it writes is theirs
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, line: int, column: str | None, message: str) -> None:
        self.problems.append(Problem(line, column, message))

    def warn(self, line: int, column: str | None, message: str) -> None:
        """Accept the row, and tell the person importing (call from `validate`)."""
        self.warnings.append(Problem(line, column, message))

    def parse_row(self, row: Row) -> T | None:
        raise NotImplementedError

    def validate(self, rows: list[Parsed[T]]) -> None:
        """Checks across rows and against the database (read only). Report with `error`."""

    def plan(self, rows: list[Parsed[T]], progress: Progress) -> Plan | None:
        """Work out every write before the transaction, reading only; None: use `apply`."""
        return None

    def fingerprint(self) -> object:
        """What `plan` read, cheaply (counts, newest ids and change times of its tables):
        if it differs under the lock, the plan is built again there."""
        return None

    def apply(self, rows: list[Parsed[T]], progress: Progress) -> ImportCounts:
        raise NotImplementedError


# The source of a kind's own format, as DESIGN.md defines it (no `--from`).
NATIVE_SOURCE = "safekeep"

_REGISTRY: dict[tuple[str, str], type[Importer[Any]]] = {}


def register_importer(
    kind: str, importer: type[Importer[Any]], *, source: str = NATIVE_SOURCE
) -> None:
    """Make `safekeep import KIND [--from SOURCE] FILE.csv` use `importer`. Call from
    `AppConfig.ready()`; `source` names another system whose own export it reads."""
    existing = _REGISTRY.get((kind, source))
    if existing is not None and existing is not importer:
        shown = kind if source == NATIVE_SOURCE else f"{kind} from {source}"
        raise ValueError(f"An importer for {shown!r} is already registered: {existing!r}")
    _REGISTRY[(kind, source)] = importer


def importer_kinds() -> list[str]:
    return sorted({kind for kind, _ in _REGISTRY})


def importer_sources(kind: str) -> list[str]:
    """The systems a kind can be read from: "safekeep" (its own format) first."""
    sources = {source for known, source in _REGISTRY if known == kind}
    return sorted(sources, key=lambda source: (source != NATIVE_SOURCE, source))


def get_importer(kind: str, source: str | None = None) -> type[Importer[Any]]:
    """The importer for `kind` read from `source` (None: Safekeep's own format)."""
    wanted = source or NATIVE_SOURCE
    try:
        return _REGISTRY[(kind, wanted)]
    except KeyError:
        if wanted != NATIVE_SOURCE and importer_sources(kind):
            raise UnknownImportSource(kind, wanted) from None
        raise UnknownImportKind(kind) from None


# ---------------------------------------------------------------------------------------
# Running an import
# ---------------------------------------------------------------------------------------


def run_import(
    kind: str,
    data: bytes,
    *,
    origin: Origin,
    source: str | None = None,
    options: ImportOptions | None = None,
    console: Console | None = None,
) -> ImportResult:
    """Check the whole file, then write all of it in one transaction, or nothing at all.

    `source` names another system whose own export `data` is (None: Safekeep's format).
    Raises `ImportFailed` (after writing one refused audit entry) listing every problem.
    """
    importer = get_importer(kind, source)(options=options, origin=origin)
    digest = hashlib.sha256(data).hexdigest()
    # The audit entry says which system's export it was; Safekeep's own format says nothing.
    from_source = [f"from {source}"] if source and source != NATIVE_SOURCE else []
    problems, parsed = _check(importer, data, console)
    if problems:
        problems = sorted(problems, key=lambda p: p.line)
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            shown.append(
                Problem(
                    problems[MAX_PROBLEMS].line,
                    None,
                    f"and {len(problems) - MAX_PROBLEMS} more problems not listed",
                )
            )
        with transaction.atomic():
            audit_event(
                origin=origin,
                action=f"import.{kind}",
                decision="refused",
                object_type="import",
                object_id=digest,
                reasons=[*from_source, f"{len(problems)} problems found; nothing was written"],
            )
        raise ImportFailed(kind, shown, count=len(problems))

    with _progress(console, "Preparing", len(parsed)) as advance:
        before = importer.fingerprint()
        plan = importer.plan(parsed, advance)
    with transaction.atomic(), _progress(console, "Writing", len(parsed)) as advance:
        if plan is None:
            counts = importer.apply(parsed, advance)
        else:
            if importer.fingerprint() != before:
                plan = importer.plan(parsed, lambda n: None)  # changed meanwhile
                assert plan is not None  # nosec B101 # it gave one a moment ago
            plan.write(advance)
            counts = plan.counts
        audit_event(
            origin=origin,
            action=f"import.{kind}",
            decision="done",
            object_type="import",
            object_id=digest,
            reasons=[
                *from_source,
                f"rows {len(parsed)}",
                f"created {counts.created}",
                f"updated {counts.updated}",
                f"unchanged {counts.unchanged}",
                *(f"warning: {warning}" for warning in importer.warnings),
            ],
        )
    return ImportResult(
        kind=kind,
        rows=len(parsed),
        created=counts.created,
        updated=counts.updated,
        unchanged=counts.unchanged,
        sha256=digest,
        warnings=tuple(sorted(importer.warnings, key=lambda p: p.line)),
    )


def _check(
    importer: Importer[T], data: bytes, console: Console | None
) -> tuple[list[Problem], list[Parsed[T]]]:
    """Every problem in the file, and the parsed rows (only meaningful when there are none)."""
    problems: list[Problem] = []
    columns = importer.columns
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        expected = ", ".join(columns)
        return [Problem(1, None, f"the file is empty; it needs a header row: {expected}")], []

    bad_lines = _non_utf8_lines(data)
    for line, byte in bad_lines.items():
        problems.append(
            Problem(
                line,
                None,
                f"contains a byte (0x{byte:02X}) that is not UTF-8 text; "
                "save the file as CSV UTF-8 and try again",
            )
        )
    text = data.decode("utf-8", errors="replace")

    records, csv_problem = _records(text)
    if csv_problem is not None:
        return [*problems, csv_problem], []
    if not records:
        return [Problem(1, None, "the file has no header row")], []
    header_line, header = records[0]
    # Headers match the importer's columns whatever their case; problems then name a column
    # as the importer spells it.
    known = (*columns, *importer.optional_columns)
    spelling = {column.lower(): column for column in known}
    names = [spelling.get(name.strip().lower(), name.strip().lower()) for name in header]
    header_problems = _check_header(
        names,
        columns,
        header_line,
        optional=importer.optional_columns,
        extras_ignored=importer.extra_columns_ignored,
    )
    if header_problems:
        return problems + header_problems, []
    data_records = records[1:]
    if not data_records:
        problems.append(Problem(header_line + 1, None, "there are no rows after the header row"))
        return problems, []

    parsed: list[Parsed[T]] = []
    first_seen: dict[tuple[str, ...], int] = {}
    with _progress(console, "Checking", len(data_records)) as advance:
        for line, cells in data_records:
            advance(1)
            if line in bad_lines:
                continue
            if len(cells) != len(names):
                problems.append(
                    Problem(
                        line,
                        None,
                        f"has {len(cells)} values but the header row has {len(names)} columns",
                    )
                )
                continue
            values = dict(zip(names, cells, strict=True))
            row = Row(line, values, problems)
            item = importer.parse_row(row)
            if item is None or not row.ok:
                continue
            key_columns = importer.key_columns
            key = tuple(values[c].strip() for c in (key_columns or names))
            if key in first_seen:
                if key_columns:
                    shown = ", ".join(key_columns)
                    problems.append(
                        Problem(
                            line,
                            shown,
                            f"{' '.join(key)!r} is also on line "
                            f"{first_seen[key]}; each {shown} may appear only once",
                        )
                    )
                else:
                    problems.append(Problem(line, None, f"repeats line {first_seen[key]} exactly"))
                continue
            first_seen[key] = line
            parsed.append(Parsed(line, item))

    # Rows that parsed cleanly are checked further even when others did not, so the
    # operator sees every problem in one go.
    importer.validate(parsed)
    return problems + importer.problems, parsed


def _check_header(
    names: list[str],
    columns: Sequence[str],
    line: int,
    *,
    optional: Sequence[str] = (),
    extras_ignored: bool = False,
) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    known = (*columns, *optional)
    for name in names:
        if extras_ignored and name not in known:
            continue  # another system's column that this import does not read
        if not name:
            problems.append(Problem(line, None, "a column has no name in the header row"))
        elif name in seen:
            problems.append(Problem(line, name, "appears more than once in the header row"))
        elif name not in known:
            problems.append(
                Problem(line, name, f"unknown column; the columns are {', '.join(known)}")
            )
        seen.add(name)
    for column in columns:
        if column not in seen:
            problems.append(Problem(line, column, "missing column"))
    return problems


def _records(text: str) -> tuple[list[tuple[int, list[str]]], Problem | None]:
    """CSV records with the physical line each starts on (blank lines skipped)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[tuple[int, list[str]]] = []
    previous_end = 0
    try:
        for cells in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if cells and any(cell.strip() for cell in cells):
                records.append((start, cells))
    except csv.Error as exc:
        return records, Problem(previous_end + 1, None, f"is not valid CSV ({exc})")
    return records, None


def _non_utf8_lines(data: bytes) -> dict[int, int]:
    """Line number → first offending byte, for every line that is not valid UTF-8.

    Lines end as the CSV reader ends them (\n, \r\n or a lone \r, as old Mac files do), so
    the numbers agree with every other problem's.
    """
    bad: dict[int, int] = {}
    for number, raw in enumerate(data.splitlines(), start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad[number] = raw[exc.start]
    return bad


@contextmanager
def _progress(console: Console | None, label: str, total: int) -> Iterator[Progress]:
    """A rich progress bar for long imports on a terminal; a no-op otherwise."""
    if console is None or total < PROGRESS_THRESHOLD or not console.is_terminal:
        yield lambda n: None
        return
    from rich.progress import Progress as RichProgress

    with RichProgress(console=console, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)
