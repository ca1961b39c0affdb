"""Reading accounts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from safekeep.accounts.models import AuthenticatorApp, SetUpLink, SignInThrottle, User
from safekeep.organisation.models import StaffMember


def account_for_email(email: str) -> User | None:
    """The account signed in with this email address (usernames are stored lower-case)."""
    return (
        User.objects.select_related("staff")
        .filter(username__iexact=email.strip())
        .order_by("id")
        .first()
    )


def confirmed_devices(user: User) -> list[AuthenticatorApp]:
    """The authenticator apps this account has proved it holds."""
    return list(AuthenticatorApp.objects.filter(user=user, confirmed=True).order_by("id"))


@dataclass(frozen=True, slots=True)
class SignInSummary:
    """What a system administrator sees of one person's sign-in: never any case content."""

    staff: StaffMember
    user: User | None
    has_app: bool
    failed_attempts: int
    slowed_until: dt.datetime | None
    link_expires_at: dt.datetime | None  # an unused set-up link that still works

    @property
    def state(self) -> str:
        """Plain words for where the sign-in is."""
        if self.user is None:
            return "No sign-in"
        if not self.user.is_active:
            return "Closed"
        if not self.user.has_usable_password():
            return "Waiting for set-up" if self.link_expires_at else "No password: needs a new link"
        if not self.has_app:
            return "Authenticator app to set up at next sign-in"
        return "Active"

    @property
    def slowed(self) -> bool:
        return self.failed_attempts > 0


def sign_in_summary(staff: StaffMember, *, now: dt.datetime | None = None) -> SignInSummary:
    moment = now or timezone.now()
    user = User.objects.filter(staff=staff).first()
    if user is None:
        return SignInSummary(staff, None, False, 0, None, None)
    row = SignInThrottle.objects.filter(
        scope=SignInThrottle.Scope.ACCOUNT, key=str(user.pk)
    ).first()
    link = (
        SetUpLink.objects.filter(user=user, used_at__isnull=True, expires_at__gt=moment)
        .order_by("-expires_at")
        .first()
    )
    return SignInSummary(
        staff=staff,
        user=user,
        has_app=bool(confirmed_devices(user)),
        failed_attempts=row.attempts if row is not None else 0,
        slowed_until=row.wait_until
        if row is not None and row.wait_until and row.wait_until > moment
        else None,
        link_expires_at=link.expires_at if link is not None else None,
    )


def sign_in_states(staff: list[StaffMember]) -> dict[int, str]:
    """Each member's sign-in in a word or two, by staff pk (one query for the list page)."""
    users = {u.staff_id: u for u in User.objects.filter(staff__in=staff)}
    states = {}
    for member in staff:
        user = users.get(member.pk)
        if user is None:
            states[member.pk] = "No sign-in"
        elif not user.is_active:
            states[member.pk] = "Closed"
        elif not user.has_usable_password():
            states[member.pk] = "Waiting for set-up"
        else:
            states[member.pk] = "Active"
    return states
