"""The reviews app's one domain error: its words and the form field at fault."""

from __future__ import annotations


class ReviewError(Exception):
    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
