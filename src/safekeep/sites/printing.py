"""Secure printing of a case record (DESIGN.md: `print` is allowed only from a council
device, to a printer with coded release or in a secure location).

The door decides with the chosen printer in the context (`printer_secure`), so a printer
with no release in an open office is refused with the door's reason. The PDF carries the
person's name, the time and the classification on every page (the watermark), and a printer
with a print queue gets the job held until the person releases it at the device with the
one-time code they are shown. Every print and every release is audited.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from safekeep.access.door import CaseAccess
from safekeep.access.policy import Context
from safekeep.access.wording import minutes
from safekeep.audit.writing import Origin, audit_change, audit_event
from safekeep.organisation.models import StaffMember
from safekeep.records.selectors import entry_views, subject_person
from safekeep.sites import queue
from safekeep.sites.errors import SitesError
from safekeep.sites.models import Printer, PrintJob

RELEASE_CODE_DIGITS = 6


def print_context(context: Context, printer: Printer) -> Context:
    """The request's context with the chosen printer, for the door's `print` decision."""
    return dataclasses.replace(context, printer_secure=printer.secure)


def watermark(*, name: str, at: dt.datetime, classification: str) -> str:
    return f"Printed by {name} on {minutes(timezone.localtime(at))} · {classification}"


def css_string(text: str) -> str:
    """`text` as a CSS string literal: every character outside plain letters and digits is
    a CSS escape, so nothing in a name can end the string or the style sheet."""
    out = []
    for char in text:
        out.append(char if char.isalnum() or char in " .,:" else f"\\{ord(char):x} ")
    return '"' + "".join(out) + '"'


def case_pdf(access: CaseAccess, *, at: dt.datetime) -> tuple[bytes, int]:
    """The case record as the person may see it, watermarked on every page; and how many
    pages it has."""
    from weasyprint import HTML  # loads Pango: only when a PDF is wanted

    case = access.case
    html = render_to_string(
        "sites/case_print.html",
        {
            "case": case,
            "person": subject_person(case.subject),
            "entries": entry_views(access=access),
            "watermark_css": mark_safe(  # noqa: S308  # nosec B308 B703 # escaped by css_string
                css_string(
                    watermark(
                        name=access.staff.full_name, at=at, classification=case.classification
                    )
                )
            ),
        },
    )
    document = HTML(string=html).render()
    pdf = document.write_pdf()
    assert pdf is not None  # nosec B101 # narrows the type: with no target write_pdf returns bytes
    return bytes(pdf), len(document.pages)


@dataclass(frozen=True, slots=True)
class Printed:
    job: PrintJob
    release_code: str  # shown once to the person; empty when nothing is held
    pdf: bytes


def case_print(*, access: CaseAccess, printer: Printer, now: dt.datetime | None = None) -> Printed:
    """Print the case the door allowed (`access.action` is print, decided with this printer)."""
    if access.action != "print" or access.context.printer_secure is None:
        raise SitesError("Printing needs the door's print decision for the chosen printer")
    if not printer.secure:  # pragma: no cover - the door refuses this printer first
        raise SitesError("This printer has no coded release and is not in a secure location")
    moment = now or timezone.now()
    pdf, pages = case_pdf(access, at=moment)
    code = ""
    job_id = ""
    state = PrintJob.State.COLLECT
    if printer.queue_uri:
        code = "".join(secrets.choice("0123456789") for _ in range(RELEASE_CODE_DIGITS))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"{access.case.case_id}.pdf"
            path.write_bytes(pdf)
            try:
                job_id = queue.submit_held(
                    queue.Queue.from_uri(printer.queue_uri),
                    path,
                    title=f"Safekeep {access.case.case_id}",
                    user=access.staff.staff_id,
                )
            except queue.QueueError as exc:
                raise SitesError(f"The printer did not take the job: {exc}") from exc
        state = PrintJob.State.HELD
    with transaction.atomic():
        job = PrintJob.objects.create(
            case=access.case,
            staff=access.staff,
            printer=printer,
            printed_at=moment,
            pages=pages,
            state=state,
            queue_job_id=job_id,
            release_code_hash=make_password(code) if code else "",
        )
        audit_change(
            access.origin,
            "case.print",
            access.case,
            subject_id=access.case.subject.subject_id,
            reasons=[
                *access.decision.reasons,
                f"printer {printer.printer_id} ({printer.get_release_display().lower()})",
                f"{pages} pages",
                "held for release" if code else "collect at once",
            ],
            obligations=[str(o) for o in access.decision.obligations],
        )
    return Printed(job, code, pdf)


def job_release(*, job: PrintJob, staff: StaffMember, code: str, origin: Origin) -> PrintJob:
    """Release a held job at the device: only its owner, with the code they were given."""
    reason = f"job {job.pk} on {job.printer.printer_id}"
    refused = (
        job.staff_id != staff.pk
        or job.state != PrintJob.State.HELD
        or not check_password(code.strip(), job.release_code_hash)
    )
    if refused:
        with transaction.atomic():
            audit_event(
                origin=origin,
                action="print.release",
                decision="refused",
                object_type="print_job",
                object_id=str(job.pk),
                reasons=[reason, "wrong code, another person's job, or not waiting"],
            )
    if refused:
        raise SitesError("That code does not release a job waiting for you", field="code")
    try:
        queue.release(queue.Queue.from_uri(job.printer.queue_uri), job.queue_job_id)
    except queue.QueueError as exc:
        raise SitesError(f"The printer did not release the job: {exc}") from exc
    with transaction.atomic():
        job.state = PrintJob.State.RELEASED
        job.released_at = timezone.now()
        job.save(update_fields=["state", "released_at"])
        audit_event(
            origin=origin,
            action="print.release",
            decision="done",
            object_type="print_job",
            object_id=str(job.pk),
            subject_id=job.case.subject.subject_id,
            reasons=[reason],
        )
    return job
