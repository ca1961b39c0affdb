"""A leaver's API tokens: revoked when they leave, and checked on the leaver checklist."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from safekeep.api.models import ApiToken
from safekeep.organisation import signals
from safekeep.organisation.leaving import LeaverItem, register_leaver_items
from safekeep.organisation.models import StaffMember


def leavers_tokens_revoked(sender: Any, *, staff_pks: Iterable[int], **kwargs: Any) -> None:
    """Every token of a leaver's account stops working at once (not only at its next use,
    as the moved-on session generation already ensures)."""
    ApiToken.objects.filter(user__staff_id__in=list(staff_pks), revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


@register_leaver_items("api")
def token_items(staff: StaffMember) -> list[LeaverItem]:
    live = ApiToken.objects.filter(
        user__staff=staff, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).exists()
    return [LeaverItem("api_tokens", done=not live, label="Every API token revoked")]


def connect() -> None:
    signals.staff_left.connect(leavers_tokens_revoked, dispatch_uid="safekeep-api-leavers")
