"""May this account act now? The one answer every way in shares.

Sessions (`accounts.middleware`), API tokens (`api.services.api_token_user`), device
credentials (`devices.context`), enrolment codes (`devices.services.enrolment_redeem`) and
sign-in all ask `account_may_act`, so a leaver or a disabled account is turned away by the
same rule, in the same words, wherever it knocks. (Guessing at sign-in is slowed by place
and account, `accounts.throttle`, rather than locking an account anyone could lock.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from safekeep.accounts.models import User

DISABLED = "account disabled"
NO_STAFF = "account not linked to a member of staff"
LEFT = "staff member has left"


@dataclass(frozen=True, slots=True)
class Standing:
    """Whether an account may act now; `reason` says why not, for the audit log."""

    reason: str = ""

    @property
    def may_act(self) -> bool:
        return not self.reason


def account_may_act(user: User, now: dt.datetime) -> Standing:
    """Whether `user` may do anything in Safekeep at `now` (DESIGN.md rule 1).

    The end date is a person's last working day: from the day after it, they have left.
    """
    if not user.is_active:
        return Standing(DISABLED)
    staff = user.staff
    if staff is None:
        return Standing(NO_STAFF)
    if staff.is_leaver(timezone.localdate(now)):
        return Standing(LEFT)
    return Standing()
