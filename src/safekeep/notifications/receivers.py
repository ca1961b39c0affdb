"""What notifications does when records announces something (records/signals.py): the
emails are built inside the change's transaction and sent when it commits, so the pages,
the API and commands all notify alike, and a change that rolls back sends nothing.

Connected in `NotificationsConfig.ready`.
"""

from __future__ import annotations

from typing import Any

from safekeep.audit.writing import Origin
from safekeep.notifications import emails
from safekeep.notifications.sending import send_after_commit
from safekeep.records import signals
from safekeep.records.models import AccessGrant, BreakGlass, Referral


def grant_decided_emailed(
    sender: Any,
    *,
    origin: Origin,
    grant: AccessGrant,
    by_information_governance: bool,
    **kwargs: Any,
) -> None:
    email = emails.grant_decided(grant, by_information_governance=by_information_governance)
    send_after_commit([email], origin=origin)


def referral_made_emailed(
    sender: Any, *, origin: Origin, referral: Referral, **kwargs: Any
) -> None:
    send_after_commit(emails.referral_made(referral), origin=origin)


def break_glass_used_emailed(
    sender: Any, *, origin: Origin, glass: BreakGlass, **kwargs: Any
) -> None:
    send_after_commit(emails.break_glass_used(glass), origin=origin)


def connect() -> None:
    signals.grant_decided.connect(grant_decided_emailed, dispatch_uid="safekeep-notify-grant")
    signals.referral_made.connect(referral_made_emailed, dispatch_uid="safekeep-notify-referral")
    signals.break_glass_used.connect(
        break_glass_used_emailed, dispatch_uid="safekeep-notify-break-glass"
    )
