"""In Chromium: an information governance officer walks a subject access request from the
request to the password-protected export. They find the person by name, open the request,
withhold a neighbour's account with a reason, preview the release (the withheld entry is
not in it), make the export with a password and download it. The test then opens the ZIP
with that password, searches every file's bytes for the withheld text, and runs the
standalone verifier (tools/verify_audit.py, as an auditor would) on the export's proofs.

Screenshots at 375 px and 1280 px go to SAFEKEEP_SCREENSHOTS when it is set."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess  # nosec B404 - runs our own standalone verifier
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import pyzipper
from django.utils import timezone
from playwright.sync_api import expect

from safekeep.access.vocabulary import Action
from safekeep.audit import checkpoints
from safekeep.audit.models import AuditEntry
from safekeep.records.models import Allocation, Case
from safekeep.records.services import entries
from safekeep.records.services.subjects import subject_create
from safekeep.subject_access.clock import add_months
from safekeep.subject_access.models import Export, SubjectAccessRequest
from tests.browser.helpers import assert_accessible, browser_sign_in, browser_use_device, shoot
from tests.factories import case_access, make_device, make_staff, make_team, make_user
from tests.routes import forget_keys

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
VERIFIER = ROOT / "tools" / "verify_audit.py"
PASSWORD = "Blue kettle 47 on the hill"  # nosec B105 - the test's own export password
WITHHELD_TITLE = "Neighbour's account"
WITHHELD_TEXT = "Mrs WITHHELDNEIGHBOUR at number 12 said she hears shouting"
KEPT_TEXT = "Visited Amira at home; she showed me her new school uniform."


@pytest.fixture
def _own_keys(tmp_path: Path, settings: Any) -> Iterator[None]:
    """Audit signing keys and the exports in this test's own data directory."""
    settings.DATA_DIR = tmp_path / "data"
    forget_keys()
    yield
    forget_keys()


def _case(team: Any, worker: Any) -> Case:
    subject = subject_create(
        subject_id="P-SAR-1",
        kind="child",
        given_name="Amira",
        family_name="Okafor",
        date_of_birth=dt.date(2012, 3, 14),
    )
    case = Case.objects.create(
        case_id="C-SAR-1",
        subject=subject,
        owning_team=team,
        classification="OFFICIAL",
        opened_on=dt.date(2024, 9, 1),
    )
    Allocation.objects.create(
        case=case, staff=worker, role="allocated_worker", starts_on=dt.date(2024, 9, 1)
    )
    return case


def _unzip(data: bytes, password: str) -> dict[str, bytes]:
    with pyzipper.AESZipFile(io.BytesIO(data)) as archive:
        archive.setpassword(password.encode())
        return {name: archive.read(name) for name in archive.namelist()}


def test_ig_walks_a_request_to_a_password_protected_export(
    page: Any, live_server: Any, tmp_path: Path, _own_keys: None
) -> None:
    team = make_team("Children's Social Care North")
    worker = make_staff(team=team, given_name="Jo", family_name="Practitioner")
    case = _case(team, worker)
    write = case_access(worker, case, Action.ADD_ENTRY, change=True)
    entries.entry_add(access=write, kind="note", title="Home visit", body=KEPT_TEXT)
    held = entries.entry_add(
        access=case_access(worker, case, Action.ADD_ENTRY, change=True),
        kind="note",
        title=WITHHELD_TITLE,
        body=WITHHELD_TEXT,
    )
    case_access(worker, case, change=False)  # a look at the case the history must show
    ig = make_user(
        make_staff(team=team, given_name="Imogen", family_name="Governance", roles=("ig_officer",))
    )
    browser_use_device(page, live_server.url, make_device(staff=ig.staff))
    browser_sign_in(page, ig)
    page.set_viewport_size({"width": 1280, "height": 900})

    # The menu, the list, and the person found by name.
    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name="Subject access").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Subject access requests")
    page.get_by_label("Find the person").fill("amira okafor")
    page.get_by_role("button", name="Find the person").click()
    expect(page.locator("#search-results")).to_have_text("1 person found by name")
    assert_accessible(page)
    shoot(page, "sar-search")
    page.get_by_role("link", name="Open a request for Amira Okafor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amira Okafor")
    received = page.get_by_role("group", name="Date the request was received")
    today = timezone.localdate()
    for box, value in (("Day", today.day), ("Month", today.month), ("Year", today.year)):
        expect(received.get_by_label(box)).to_have_value(str(value))
    page.get_by_role("button", name="Open the request").click()

    # The request's page: the clock, the records gathered and the access history.
    expect(page.get_by_text("Request opened: the clock has started")).to_be_visible()
    request = SubjectAccessRequest.objects.get()
    due = add_months(request.received_on, 1)
    expect(page.locator("#sar-state")).to_contain_text("Open")
    expect(page.locator("#sar-due")).to_have_text(f"{due.day} {due:%B %Y}")
    expect(page.locator("#sar-history")).to_contain_text("Opened the case")
    expect(page.locator(f"#entry-{held.pk}")).to_contain_text(WITHHELD_TEXT)

    # Withhold the neighbour's account, with a reason.
    entry = page.locator(f"#entry-{held.pk}")
    entry.get_by_text("Withhold this entry").click()
    entry.get_by_label("Why it is withheld").fill("Third-party information about a neighbour")
    entry.get_by_role("button", name=f"Withhold the entry titled {WITHHELD_TITLE}").click()
    expect(page.get_by_text("Entry withheld: it will not be in the export")).to_be_visible()
    expect(page.locator(f"#entry-{held.pk}")).to_have_attribute("data-withheld", "yes")
    expect(page.locator(f"#entry-{held.pk}")).to_contain_text(
        "Third-party information about a neighbour"
    )
    assert_accessible(page)
    shoot(page, "sar-request")

    # The preview: exactly what will be released, without the withheld entry.
    page.get_by_role("link", name="Preview what will be released").click()
    main = page.locator("main")
    expect(main).to_contain_text(KEPT_TEXT)
    expect(page.locator("#preview-withheld")).to_contain_text(
        "One entry on case C-SAR-1: Third-party information about a neighbour"
    )
    assert WITHHELD_TEXT not in main.inner_text()
    assert WITHHELD_TITLE not in main.inner_text()
    expect(page.locator("#preview-history")).to_contain_text("Withheld an entry")
    assert_accessible(page)
    shoot(page, "sar-preview")

    # The export: the page sets the password; two that differ are refused.
    main.get_by_role("link", name="Make the export").click()
    page.get_by_label("Password for the file").fill(PASSWORD)
    page.get_by_label("Type the password again").fill("Blue kettle 48")
    page.get_by_role("button", name="Make the export").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The two passwords are not the same"
    )
    assert not Export.objects.exists()
    assert_accessible(page)
    shoot(page, "sar-export-error")
    page.get_by_label("Password for the file").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    page.get_by_role("button", name="Make the export").click()
    expect(page.get_by_text("Export made: download it below")).to_be_visible()
    expect(page.locator("#sar-state")).to_contain_text("Sent")
    with page.expect_download() as waiting:
        page.get_by_role("link", name=re.compile("^Download the export made")).click()
    download = waiting.value
    assert download.suggested_filename.startswith("subject-access-P-SAR-1-")
    data = Path(download.path()).read_bytes()
    shoot(page, "sar-exported")
    page.get_by_role("link", name="Back to subject access requests").click()
    row = page.locator(f"#sar-requests [data-sar='{request.pk}']")
    expect(row).to_contain_text("Amira Okafor")
    expect(row).to_contain_text("Sent")
    assert_accessible(page)
    shoot(page, "sar-list")

    # Safekeep kept no password, and every step is in the log against the subject.
    assert PASSWORD not in json.dumps(list(AuditEntry.objects.values_list("reasons", flat=True)))
    steps = set(AuditEntry.objects.filter(subject_id="P-SAR-1").values_list("action", flat=True))
    assert AuditEntry.objects.get(action="sar.search").reasons[-2:] == [
        "by name",
        "found P-SAR-1",
    ]
    assert {"sar.open_form", "sar.open", "sar.view", "sar.withhold", "sar.preview"} <= steps
    assert {"sar.export_refused", "sar.export", "sar.download"} <= steps

    # The archive: refuses a wrong password; opens with the one set on the page.
    with pytest.raises(RuntimeError):
        _unzip(data, "not the password")
    files = _unzip(data, PASSWORD)
    assert {"subject-access.pdf", "subject-access.json", "proofs/checkpoint.txt"} <= set(files)
    for name, content in files.items():
        for needle in (WITHHELD_TEXT, "WITHHELDNEIGHBOUR", WITHHELD_TITLE):
            assert needle.encode() not in content, (name, needle)
    assert KEPT_TEXT.encode() in files["subject-access.json"]
    document = json.loads(files["subject-access.json"])
    assert document["withheld"] == [
        {
            "case_id": "C-SAR-1",
            "entry": held.pk,
            "reason": "Third-party information about a neighbour",
        }
    ]

    # The standalone verifier, run as an auditor runs it, with the council's published key.
    folder = tmp_path / "unzipped"
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    key = checkpoints.verifier_key()
    assert files["proofs/verifier-key.txt"].decode().strip() == key
    checked = subprocess.run(  # noqa: S603  # nosec B603 # our own tool, fixed arguments
        [sys.executable, str(VERIFIER), "--key", key, "sar", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert len(list((folder / "proofs").glob("entry-*.json"))) == len(document["access_history"])
