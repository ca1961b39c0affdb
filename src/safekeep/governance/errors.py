"""Information governance's one error: what is wrong with a request, in words to show."""

from __future__ import annotations


class GovernanceError(Exception):
    """A request the governance rules do not allow; `field` names the form field at fault."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
