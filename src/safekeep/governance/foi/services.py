"""Running the FOI report, and making it a file: each time is one audit entry saying who ran
it, for which day and in which form (the page, json, csv, html or pdf)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import Origin, audit_event
from safekeep.governance.foi.answers import FoiReport, foi_report
from safekeep.governance.foi.documents import FORMATS, Document, foi_document

ON_THE_PAGE = "page"


class FoiReportError(ValueError):
    """The report cannot be run as asked; the message says why in plain words."""


def foi_report_read(*, origin: Origin, as_of: dt.date) -> FoiReport:
    """The answers, to show on the FOI officer's page."""
    report = foi_report(_checked(as_of))
    _record(origin, report.as_of, ON_THE_PAGE)
    return report


def foi_report_download(*, origin: Origin, as_of: dt.date, fmt: str) -> Document:
    """The report as a file in `fmt` (json, csv, html or pdf)."""
    if fmt not in FORMATS:
        raise FoiReportError(f"{fmt!r} is not a format of the report: choose {', '.join(FORMATS)}")
    document = foi_document(foi_report(_checked(as_of)), fmt)
    _record(origin, as_of, fmt)
    return document


def _checked(as_of: dt.date) -> dt.date:
    today = timezone.localdate()
    if as_of > today:
        raise FoiReportError(
            f"{as_of.isoformat()} is in the future: the report counts what has happened, up "
            f"to today ({today.isoformat()}) at the latest"
        )
    return as_of


def _record(origin: Origin, as_of: dt.date, shown_as: str) -> None:
    audit_event(
        origin=origin,
        action="foi.report",
        decision=AuditEntry.Decision.ALLOWED,
        object_type="foi_report",
        object_id=as_of.isoformat(),
        reasons=[f"as_of={as_of.isoformat()}", f"format={shown_as}"],
    )
