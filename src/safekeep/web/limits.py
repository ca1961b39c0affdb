"""Limits every request meets before any of it is read: its method, and its size.

Django reads no more of a body than its Content-Length says, so that header is the gate: a
request longer than its page accepts is answered 413 before a byte of the body is read. Only
pages marked `@accepts_upload` take a large body, and only they keep uploaded files (with
the handler they name, e.g. records.uploads, in memory); everywhere else a file in a form is
skipped unread (`FilesRefused`, the FILE_UPLOAD_HANDLERS setting). Methods other than GET,
HEAD and POST are answered 405 everywhere, before any view decides or records anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render

View = Callable[..., Any]
ALLOWED_METHODS = ("GET", "HEAD", "POST")


@dataclass(frozen=True, slots=True)
class UploadLimit:
    """A page's file size limit, and the handler that keeps its files."""

    file_bytes: int
    handler: type[FileUploadHandler]

    @property
    def request_bytes(self) -> int:
        """The file, with room for the form's other fields."""
        return self.file_bytes + settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def accepts_upload(*, file_bytes: int, handler: type[FileUploadHandler]) -> Callable[[View], View]:
    """Mark a page that takes a file of up to `file_bytes`, kept by `handler`."""

    def mark(view: View) -> View:
        view.upload_limit = UploadLimit(file_bytes, handler)  # type: ignore[attr-defined]
        return view

    return mark


def upload_limit_of(view: View) -> UploadLimit | None:
    """The upload limit a page was marked with, or None for a page that takes no files."""
    limit: UploadLimit | None = getattr(view, "upload_limit", None)
    return limit


class FilesRefused(FileUploadHandler):
    """Skips every file, unread: only pages marked `accepts_upload` take files."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        raise SkipFile("this page does not take files")

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        return None

    def file_complete(self, file_size: int) -> None:
        return None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def _content_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _too_large(request: HttpRequest, limit: int, upload: UploadLimit | None) -> HttpResponse:
    message = f"What you sent is larger than this address accepts (at most {_megabytes(limit)})."
    if request.path.startswith("/api/"):
        # The API answers in JSON (api/errors.py turns this text into its `detail`).
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
    if upload is not None:
        message = (
            "The selected file is too large. "
            f"Upload a file smaller than {_megabytes(upload.file_bytes)}."
        )
    title = "What you sent is too large"
    context = {"title": title, "page_title": title, "message": message}
    return render(request, "web/error.html", context, status=413)


class RequestLimitsMiddleware:
    """Refuses a method no page takes (405) and a body longer than its page accepts (413)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: View, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        """Runs after the address is resolved and before anything (CSRF too) reads the body."""
        # A machine interface that speaks REST (SCIM's PUT, PATCH, DELETE) names its methods.
        methods = getattr(view, "http_methods", ALLOWED_METHODS)
        if request.method not in methods:
            return HttpResponseNotAllowed(
                methods,
                content=f"This address does not accept {request.method} requests.",
                content_type="text/plain; charset=utf-8",
            )
        upload = upload_limit_of(view)
        limit = upload.request_bytes if upload else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if _content_length(request) > limit:
            return _too_large(request, limit, upload)
        if upload is not None:
            request.upload_handlers = [upload.handler(request)]
        return None
