"""Uploading a document, and downloading one (on a device that may keep a copy)."""

from __future__ import annotations

import itertools
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from safekeep.access.door import CaseAccess
from safekeep.access.vocabulary import Action
from safekeep.crypto.errors import DecryptionFailed, KeyMissing
from safekeep.records import files, selectors, services
from safekeep.records import forms as record_forms
from safekeep.records.uploads import MemoryOnlyUploadHandler
from safekeep.web.limits import accepts_upload
from safekeep.web.records.opening import case_form, case_page


@accepts_upload(file_bytes=files.MAX_DOCUMENT_BYTES, handler=MemoryOnlyUploadHandler)
@case_page(Action.ADD_ENTRY, open_only=True)
def document_upload(request: HttpRequest, access: CaseAccess) -> HttpResponse:
    def perform(data: dict[str, Any]) -> object:
        upload = data["file"]
        if upload.size > files.MAX_DOCUMENT_BYTES:
            raise services.RecordsError("The selected file must be smaller than 10MB", field="file")
        return services.document_upload(
            access=access,
            title=data["title"],
            filename=upload.name or "",
            content=upload.read(),
            sensitive=data["sensitive"],
        )

    return case_form(
        request,
        access,
        form=record_forms.DocumentForm(request.POST or None, request.FILES or None),
        perform=perform,
        success_message="Document uploaded",
        template="records/document_form.html",
        page_title="Upload a document",
    )


# The guard is typed for HttpResponse; a streamed download is an HttpResponseBase.
@case_page(Action.DOWNLOAD, methods=("GET",))  # type: ignore[arg-type]
def document_download(request: HttpRequest, access: CaseAccess, entry_id: int) -> HttpResponseBase:
    document = selectors.document_for_case(access=access, entry_id=entry_id)
    if document is None:
        raise Http404("There is no such document on this case")
    plaintext = files.read(case_id=access.case.pk, storage_name=document.storage_name)
    try:
        # The first segment proves the file belongs here; later damage ends the stream early
        # (and is logged and audited by crypto).
        first = next(plaintext, b"")
    except (DecryptionFailed, KeyMissing):
        return render(
            request,
            "records/integrity_error.html",
            {"page_title": "This document cannot be opened", "case_id": access.case.case_id},
            status=500,
        )
    response = StreamingHttpResponse(
        itertools.chain([first], plaintext), content_type=document.content_type
    )
    filename = selectors.document_filename(document)
    safe_name = "".join(c for c in filename if c.isalnum() or c in "._- ") or "document"
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    response["Content-Length"] = str(document.size)
    response["X-Content-Type-Options"] = "nosniff"
    return response
