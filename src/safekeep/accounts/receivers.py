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
    """Close the sign-in of people who have just left and sign them out, everywhere, at once.

    Disabling the account refuses sign-in even on their last working day (a manager who
    ends someone now); bumping `session_generation` ends every session, and every API token
    made before it, on its next request. `account_enable` opens it again for someone
    reinstated.
    """
    pks = list(staff_pks)
    if pks:
        User.objects.filter(staff_id__in=pks).update(
            is_active=False, session_generation=F("session_generation") + 1
        )


def connect() -> None:
    signals.staff_left.connect(leavers_signed_out, dispatch_uid="safekeep-accounts-leavers")
