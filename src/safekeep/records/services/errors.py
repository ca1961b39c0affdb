"""The records rules' one error: what is wrong with a request, in words to show the person."""

from __future__ import annotations


class RecordsError(Exception):
    """A request the records rules do not allow, in words to show the person.

    `field` names the form field at fault, when there is one.
    """

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
