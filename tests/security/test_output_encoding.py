"""What a person types comes back as text: escaped in pages, stripped in a download's name
(ASVS 5.0 1.2.1, 3.2.2, 5.4.2)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from safekeep.records.models import Entry
from tests.factories import make_case, make_staff, make_team, make_user, sign_in

pytestmark = pytest.mark.django_db
SCRIPT = '<script>alert("x")</script>'
ATTRIBUTE = '"><img src=x onerror=alert(1)>'


@pytest.fixture
def worker_client(client):
    team = make_team("Children Encoding")
    worker = make_staff(team=team)
    case = make_case(team=team, allocated=(worker,))
    make_user(worker)
    return sign_in(client, worker.user), case


def test_an_entry_with_markup_is_shown_as_text(worker_client) -> None:
    client, case = worker_client
    added = client.post(
        f"/cases/{case.case_id}/entries/add/",
        {
            "entry_type": "case_note",
            "contact_day": "2",
            "contact_month": "11",
            "contact_year": "2026",
            "contact_time": "10am",
            "title": SCRIPT,
            "body": ATTRIBUTE,
        },
    )
    assert added.status_code == 302
    page = client.get(f"/cases/{case.case_id}/").content.decode()
    assert SCRIPT not in page and ATTRIBUTE not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_download_names_the_file_without_what_could_break_the_header(worker_client) -> None:
    client, case = worker_client
    name = "notes (final) <1>; size=0 & more.txt"
    uploaded = client.post(
        f"/cases/{case.case_id}/documents/add/",
        {"title": "Letter", "file": SimpleUploadedFile(name, b"hello")},
    )
    assert uploaded.status_code == 302
    entry = Entry.objects.get(case=case)
    got = client.get(f"/cases/{case.case_id}/entries/{entry.pk}/download/")
    assert got["Content-Disposition"] == 'attachment; filename="notes final 1 size0  more.txt"'
