"""Reading the audit log for IG: who saw a subject's records, what one person did, refusals."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from safekeep.audit.models import AuditEntry, ChainLink, Checkpoint, PendingEntry
from safekeep.dbrouting import for_reports

CSV_COLUMNS = (
    "sequence",
    "time",
    "actor_staff_id",
    "actor_username",
    "device",
    "source_address",
    "request_id",
    "action",
    "object_type",
    "object_id",
    "subject_id",
    "decision",
    "reasons",
    "obligations",
)


def _day_range(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From the start of `date_from` to the end of `date_to`, in local time."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def _entries() -> QuerySet[AuditEntry]:
    """The reports' rows, read from the replica when there is one (safekeep/dbrouting.py)."""
    return for_reports(AuditEntry.objects.select_related("link").order_by("-occurred_at", "-id"))


def subject_access(*, subject_id: str) -> QuerySet[AuditEntry]:
    """Everything recorded about this subject's records: for IG and subject access requests."""
    return _entries().filter(subject_id=subject_id)


def staff_activity(*, staff_id: str, date_from: dt.date, date_to: dt.date) -> QuerySet[AuditEntry]:
    """Everything one staff member did in a period (investigations)."""
    start, end = _day_range(date_from, date_to)
    return _entries().filter(actor_staff_id=staff_id, occurred_at__gte=start, occurred_at__lt=end)


def refusals(*, date_from: dt.date, date_to: dt.date) -> QuerySet[AuditEntry]:
    """Every refused decision in a period, newest first."""
    start, end = _day_range(date_from, date_to)
    return _entries().filter(
        decision=AuditEntry.Decision.REFUSED, occurred_at__gte=start, occurred_at__lt=end
    )


def spreadsheet_safe(value: str) -> str:
    """Spreadsheets run cells that start with these as formulas; make them plain text."""
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


def entry_sequence(entry: AuditEntry) -> str:
    try:
        return str(entry.link.sequence)
    except ChainLink.DoesNotExist:
        return ""


def entries_csv(entries: Iterable[AuditEntry]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        row = [
            entry_sequence(entry),
            entry.occurred_at.astimezone(dt.UTC).isoformat(),
            entry.actor_staff_id,
            entry.actor_username,
            entry.device,
            entry.source_address,
            entry.request_id,
            entry.action,
            entry.object_type,
            entry.object_id,
            entry.subject_id,
            entry.decision,
            "; ".join(entry.reasons),
            "; ".join(entry.obligations),
        ]
        writer.writerow([spreadsheet_safe(str(cell)) for cell in row])
    return out.getvalue()


def chain_status() -> dict[str, object]:
    """Headline figures for the dashboard (no verification: that is `safekeep audit verify`)."""
    links = for_reports(ChainLink.objects.order_by("-sequence"))
    return {
        "chained": links.values_list("sequence", flat=True).first() or 0,
        "waiting": for_reports(PendingEntry.objects.all()).count(),
        "latest_checkpoint": for_reports(Checkpoint.objects.order_by("-id")).first(),
    }
