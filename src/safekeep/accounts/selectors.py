"""Reading accounts."""

from __future__ import annotations

from safekeep.accounts.models import AuthenticatorApp, User


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
