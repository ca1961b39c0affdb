"""The report as a file: DESIGN.md's JSON, a CSV of the same fields, and the response letter
as HTML or PDF (WeasyPrint, from the same HTML).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Final

from django.template.loader import render_to_string

from safekeep.audit.selectors import spreadsheet_safe
from safekeep.governance.foi.answers import FoiReport
from safekeep.governance.foi.letter import TITLE, answered, day_words
from safekeep.governance.foi.questions import ABOUT_THESE_EMPLOYEES

FORMATS: Final = ("json", "csv", "html", "pdf")
CONTENT_TYPES: Final = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}
CSV_COLUMNS: Final = ("as_of", "question", "field", "value")


@dataclass(frozen=True, slots=True)
class Document:
    content: bytes
    content_type: str
    filename: str


def foi_document(report: FoiReport, fmt: str) -> Document:
    """The report in `fmt` (one of FORMATS)."""
    if fmt not in FORMATS:
        raise ValueError(f"{fmt!r} is not one of {', '.join(FORMATS)}")
    render = {"json": _json, "csv": _csv, "html": _html, "pdf": _pdf}[fmt]
    return Document(
        content=render(report),
        content_type=CONTENT_TYPES[fmt],
        filename=f"foi-report-{report.as_of.isoformat()}.{fmt}",
    )


def _json(report: FoiReport) -> bytes:
    return (json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n").encode()


def _csv(report: FoiReport) -> bytes:
    """One row per field of the JSON form (lists joined with ';'), each carrying its day."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    as_of = report.as_of.isoformat()
    for question, answer in report.as_dict().items():
        if not isinstance(answer, dict):
            continue
        for field, value in _leaves(answer):
            writer.writerow([as_of, question, spreadsheet_safe(field), _cell(value)])
    return out.getvalue().encode()


def _leaves(answer: dict[str, object], prefix: str = "") -> list[tuple[str, object]]:
    leaves: list[tuple[str, object]] = []
    for key, value in answer.items():
        if isinstance(value, dict):
            leaves.extend(_leaves(value, f"{prefix}{key}."))
        else:
            leaves.append((f"{prefix}{key}", value))
    return leaves


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(item) for item in value)
    return str(value)


def letter_html(report: FoiReport) -> str:
    return render_to_string(
        "governance/foi_letter.html",
        {
            "title": TITLE,
            "day": day_words(report.as_of),
            "answers": answered(report),
            "about_these_employees": ABOUT_THESE_EMPLOYEES,
        },
    )


def _html(report: FoiReport) -> bytes:
    return letter_html(report).encode()


def _pdf(report: FoiReport) -> bytes:
    return pdf_of(letter_html(report))


def pdf_of(html: str) -> bytes:
    """A letter's HTML printed to PDF (the FOI report's and a request's response alike)."""
    from weasyprint import HTML  # loads Pango: only when a PDF is wanted

    pdf = HTML(string=html).write_pdf()
    assert pdf is not None  # nosec B101 # narrows the type: with no target write_pdf returns bytes
    return bytes(pdf)
