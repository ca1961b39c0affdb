"""Secure printing: the door decides with the chosen printer; the PDF is watermarked on
every page; a queue gets the job held until its owner releases it with their code."""

from __future__ import annotations

import subprocess  # nosec B404 # pdftotext reads the printed PDF
from pathlib import Path

import pytest

from safekeep.access.door import AccessRefused, CaseAccess
from safekeep.access.vocabulary import Action
from safekeep.audit.models import AuditEntry
from safekeep.records.services import entry_add
from safekeep.sites import printing
from safekeep.sites.errors import SitesError
from safekeep.sites.models import Printer, PrintJob
from tests.devices.helpers import ORIGIN
from tests.factories import case_access, laptop_context
from tests.sites.world import Hillside, hillside

pytestmark = pytest.mark.django_db


def _print_access(world: Hillside, printer: Printer) -> CaseAccess:
    context = printing.print_context(laptop_context(), printer)
    return case_access(world.worker, world.case, Action.PRINT, context=context)


def _long_record(world: Hillside) -> None:
    access = case_access(world.worker, world.case, Action.ADD_ENTRY)
    for number in range(1, 4):
        entry_add(
            access=access,
            kind="note",
            title=f"Visit {number}",
            body="The family were seen at home.\n" * 60,
        )


def _text_of_pages(pdf: Path) -> list[str]:
    done = subprocess.run(  # noqa: S603  # nosec B603 # fixed arguments
        ["pdftotext", "-layout", str(pdf), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    )
    return [page for page in done.stdout.split("\f") if page.strip()]


def test_a_printer_without_coded_release_outside_a_secure_location_is_refused_with_a_reason():
    world = hillside()
    with pytest.raises(AccessRefused) as refused:
        _print_access(world, world.open_printer)
    assert refused.value.decision.refused_by_device
    assert "coded release" in " ".join(refused.value.decision.words)
    assert not PrintJob.objects.exists()


def test_a_printer_with_coded_release_prints_a_watermarked_record_and_is_audited(tmp_path):
    world = hillside()
    _long_record(world)
    access = _print_access(world, world.coded)
    printed = printing.case_print(access=access, printer=world.coded)
    assert printed.release_code == ""  # no queue: the person collects at once
    assert printed.job.state == "collect"
    pdf = tmp_path / "printed.pdf"
    pdf.write_bytes(printed.pdf)
    pages = _text_of_pages(pdf)
    assert len(pages) >= 2 and printed.job.pages == len(pages)
    name = world.worker.full_name
    for page in pages:
        assert f"Printed by {name} on" in page
        assert "OFFICIAL-SENSITIVE" in page
    entry = AuditEntry.objects.get(action="case.print")
    assert entry.object_id == world.case.case_id
    assert "printer CC1-MFD (coded release)" in entry.reasons
    assert "watermark" in entry.obligations


def test_the_watermark_cannot_break_out_of_the_style_sheet():
    assert printing.css_string('A "B" </style>') == '"A \\22 B\\22  \\3c \\2f style\\3e "'


def test_a_held_job_reaches_the_printer_only_after_its_owner_releases_it(cups, tmp_path):
    world = hillside(queue_uri=cups.queue_uri)
    _long_record(world)
    printed = printing.case_print(
        access=_print_access(world, world.coded),
        printer=world.coded,
    )
    job = printed.job
    assert (job.state, len(printed.release_code)) == ("held", 6)
    assert job.queue_job_id.startswith("SafekeepPDF-")
    assert job.queue_job_id in cups.jobs()
    assert cups.pdfs(wait=2) == []  # held: nothing printed
    with pytest.raises(SitesError, match="does not release a job waiting for you"):
        printing.job_release(job=job, staff=world.manager, code=printed.release_code, origin=ORIGIN)
    with pytest.raises(SitesError):
        printing.job_release(job=job, staff=world.worker, code="000000", origin=ORIGIN)
    assert cups.pdfs() == []
    printing.job_release(job=job, staff=world.worker, code=printed.release_code, origin=ORIGIN)
    [pdf] = cups.pdfs(wait=30)
    pages = _text_of_pages(pdf)
    assert len(pages) >= 2
    for page in pages:
        assert f"Printed by {world.worker.full_name} on" in page
        assert "OFFICIAL-SENSITIVE" in page
    releases = AuditEntry.objects.filter(action="print.release").order_by("id")
    assert [r.decision for r in releases] == ["refused", "refused", "done"]
