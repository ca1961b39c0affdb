"""A refusal whose reason may be shown to the person.

Raise `Refused("Only the team manager can approve this.")` from a view (it is a
PermissionDenied) and the 403 page shows those words. Any other exception's text is never
shown: it could hold record content or internal detail.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied


class Refused(PermissionDenied):
    def __init__(self, *reasons: str) -> None:
        super().__init__(" ".join(reasons))
        self.reasons: Sequence[str] = reasons
