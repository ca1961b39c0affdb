"""What accounts does when the organisation app announces a change (organisation/signals.py).

Connected in `AccountsConfig.ready`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import F

from safekeep.accounts.models import User
from safekeep.organisation import signals


def leavers_signed_out(sender: Any, *, staff_pks: Iterable[int], **kwargs: Any) -> None:
    """Sign out, everywhere and at once, the accounts of people who have just left.

    Bumping `session_generation` ends every session made before it on its next request.
    """
    pks = list(staff_pks)
    if pks:
        User.objects.filter(staff_id__in=pks).update(session_generation=F("session_generation") + 1)


def connect() -> None:
    signals.staff_left.connect(leavers_signed_out, dispatch_uid="safekeep-accounts-leavers")
