"""The upload handler of upload pages: documents stay in memory, never in a temporary file.

Django's default handlers spool uploads over 2.5 MB to a temporary file on disk, which would
leave a case document there unencrypted. This handler keeps every file in memory up to the
document limit; beyond it, it only counts the bytes, so the form can still say the file is
too large (and nobody can fill the server's memory). Only pages marked
`web.limits.accepts_upload` use it; every other page skips files unread.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from safekeep.records.files import MAX_DOCUMENT_BYTES


class MemoryOnlyUploadHandler(FileUploadHandler):
    """Holds at most MAX_DOCUMENT_BYTES + 1 of each file in memory; reports its full size."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        room = MAX_DOCUMENT_BYTES + 1 - self.received
        if room > 0:
            self.buffer.write(raw_data[:room])
        self.received += len(raw_data)
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
