"""docs/security/asvs-5.0.md is held to account: every ASVS 5.0 Level 1 and 2 requirement
once, with a status, and every met one's evidence real.

The requirement ids and levels come from the standard's CSV (5.0.0), kept in
tests/security/data so no copy of the standard is needed here.
"""

from __future__ import annotations

import collections
import csv
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "docs" / "security" / "asvs-5.0.md"
REQUIREMENTS = Path(__file__).parent / "data" / "asvs-5.0.0-requirements.csv"
STATUSES = ("met", "not applicable", "not yet")
ROW = re.compile(r"^\| (?P<id>\d+\.\d+\.\d+) \| (?P<level>[^|]*) \| (?P<text>[^|]*) \| "
                 r"(?P<status>[^|]*) \| (?P<evidence>.*) \|$")  # fmt: skip
TEST_REF = re.compile(r"`(?P<file>tests/[\w/]+\.py)::(?P<name>test_\w+)`")
FILE_REF = re.compile(r"`(?P<path>(?:src|docs|tests)/[\w./-]+|Makefile|pyproject\.toml|"
                      r"uv\.lock|package\.json)`")  # fmt: skip


def _levels() -> dict[str, str]:
    with REQUIREMENTS.open(newline="") as file:
        return {row["req_id"]: row["level"] for row in csv.DictReader(file)}


def _rows() -> list[dict[str, str]]:
    rows = []
    for number, line in enumerate(DOCUMENT.read_text().splitlines(), start=1):
        if re.match(r"^\| \d+\.\d+\.\d+ \|", line):
            match = ROW.match(line)
            assert match, f"line {number} is not a requirement row: {line[:80]}"
            rows.append({**match.groupdict(), "line": str(number)})
    return rows


def test_the_requirement_list_is_the_standards() -> None:
    levels = collections.Counter(_levels().values())
    assert (levels["1"], levels["2"], levels["3"]) == (70, 183, 92)


def test_every_level_1_and_2_requirement_appears_once_with_its_level_and_a_status() -> None:
    levels = _levels()
    rows = _rows()
    seen = collections.Counter(row["id"] for row in rows)
    wanted = {rid for rid, level in levels.items() if level in "12"}
    assert sorted(wanted - set(seen)) == [], "missing requirements"
    assert [rid for rid, n in seen.items() if n > 1] == [], "requirements listed twice"
    for row in rows:
        where = f"{row['id']} (line {row['line']})"
        assert row["id"] in levels, f"{where} is not an ASVS 5.0 requirement"
        assert row["level"] == levels[row["id"]], f"{where} is Level {levels[row['id']]}"
        assert row["status"] in STATUSES, f"{where} has status {row['status']!r}"
        assert row["evidence"].strip(), f"{where} says nothing"


def test_the_level_3_rows_are_the_ones_safekeep_is_built_for() -> None:
    level_3 = {row["id"] for row in _rows() if row["level"] == "3"}
    assert level_3 == {"8.2.4", "8.3.2", "14.2.7"}


def test_every_met_row_names_evidence_and_every_named_test_and_file_exists() -> None:
    for row in _rows():
        where = f"{row['id']} (line {row['line']})"
        evidence = row["evidence"]
        tests = list(TEST_REF.finditer(evidence))
        files = list(FILE_REF.finditer(evidence))
        if row["status"] == "met":
            assert tests or files, f"{where} is met but names no test or control"
        for ref in tests:
            source = ROOT / ref["file"]
            assert source.is_file(), f"{where}: no file {ref['file']}"
            assert re.search(rf"^def {ref['name']}\(", source.read_text(), re.MULTILINE), (
                f"{where}: no test {ref['name']} in {ref['file']}"
            )
        for ref in files:
            assert (ROOT / ref["path"]).exists(), f"{where}: no file {ref['path']}"


def test_the_summary_counts_the_rows() -> None:
    counts = collections.Counter(row["status"] for row in _rows() if row["level"] in "12")
    summary = f"**{counts['met']} met, {counts['not applicable']} not applicable, "
    summary += f"{counts['not yet']} not yet**"
    assert summary in DOCUMENT.read_text()


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("| 1.2.4 | 1 | SQL | done | `src/x.py` |", "has status 'done'"),
        ("| 1.2.4 | 2 | SQL | met | somewhere |", "is Level 1"),
        ("| 1.2.4 | 1 | SQL | met | trust us |", "is met but names no test or control"),
        ("| 1.2.4 | 1 | SQL | met | `tests/api/test_cases_api.py::test_no_such` |", "no test"),
        ("| 1.2.4 | 1 | SQL | met | `src/safekeep/no_such.py` |", "no file"),
    ],
)
def test_a_wrong_row_is_caught(tmp_path: Path, monkeypatch, line: str, problem: str) -> None:
    wrong = tmp_path / "asvs.md"
    text = DOCUMENT.read_text()
    wrong.write_text(re.sub(r"^\| 1\.2\.4 \|.*$", line, text, count=1, flags=re.MULTILINE))
    monkeypatch.setattr(f"{__name__}.DOCUMENT", wrong)
    with pytest.raises(AssertionError, match=problem):
        test_every_level_1_and_2_requirement_appears_once_with_its_level_and_a_status()
        test_every_met_row_names_evidence_and_every_named_test_and_file_exists()
