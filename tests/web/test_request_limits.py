"""Requests are limited before they are read: by method everywhere, by size per page; only the
upload page keeps files."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory

from safekeep.audit.models import AuditEntry
from tests.factories import make_case, make_staff, make_user, sign_in

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


def test_a_huge_post_to_the_sign_in_page_is_refused_before_it_is_read(client: Client) -> None:
    # The test client's payload refuses to be read past the bytes it holds: a 413 here means
    # nothing tried to read the 200 MB the header announces.
    response = client.post(
        "/account/sign-in/",
        "email=a%40b.c&password=x",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(200 * MB),
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "What you sent is too large" in page
    assert "What you sent is larger than this address accepts (at most 2 MB)." in page
    assert not AuditEntry.objects.exists()


def test_the_upload_page_takes_a_document_but_refuses_more_before_reading(
    client: Client,
) -> None:
    worker = make_staff()
    make_user(worker)
    case = make_case(team=worker.team, allocated=(worker,))
    sign_in(client, worker.user)
    url = f"/cases/{case.case_id}/documents/add/"
    document = b"%PDF-1.7 " + b"p" * (9 * MB)  # far over what any other page takes
    ok = client.post(url, {"title": "Report", "file": SimpleUploadedFile("r.pdf", document)})
    assert ok.status_code == 302
    response = client.post(
        url,
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(13 * MB),
    )
    assert response.status_code == 413
    assert "The selected file is too large. Upload a file smaller than 10 MB." in (
        response.content.decode()
    )


def test_a_page_that_takes_no_files_does_not_keep_one() -> None:
    request = RequestFactory().post(
        "/account/sign-in/", {"email": "a@b.c", "file": SimpleUploadedFile("x.pdf", b"x" * MB)}
    )
    assert request.POST["email"] == "a@b.c"
    assert dict(request.FILES) == {}
