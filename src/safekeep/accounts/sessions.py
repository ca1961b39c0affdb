"""What Safekeep keeps in a signed-in session, and the messages shown when one ends."""

from __future__ import annotations

import math
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import login, logout
from django.http import HttpRequest
from django_otp import login as otp_login

from safekeep.accounts.models import AuthenticatorApp, User

SIGNED_IN_AT = "safekeep.signed_in_at"
LAST_SEEN = "safekeep.last_seen"
GENERATION = "safekeep.generation"
PENDING = "safekeep.pending_sign_in"
NOTICE = "safekeep.sign_in_notice"
PENDING_MAX_SECONDS = 5 * 60

# Why a session ended -> what the sign-in page says. Deliberately plain and non-specific
# for leavers, disabled accounts and "sign out everywhere": nothing about the account.
IDLE = "idle"
TOO_LONG = "too_long"
ENDED = "ended"
SIGNED_OUT = "signed_out"
FAILED = "failed"
PENDING_EXPIRED = "pending_expired"


def notice_text(key: str) -> str:
    """The sentence the sign-in page shows for a notice key."""
    idle_minutes = settings.SAFEKEEP_IDLE_TIMEOUT_SECONDS // 60
    hours = settings.SAFEKEEP_SESSION_MAX_AGE_SECONDS // 3600
    texts = {
        IDLE: f"You were signed out because you had not done anything for {idle_minutes} "
        "minutes. Sign in again to continue.",
        TOO_LONG: f"You were signed out because you had been signed in for {hours} hours. "
        "Sign in again to continue.",
        ENDED: "You were signed out. Sign in again to continue.",
        SIGNED_OUT: "You have signed out.",
        PENDING_EXPIRED: "Your sign-in took too long. Sign in again.",
    }
    return texts.get(key, texts[ENDED])


def failure_message() -> str:
    """The one message for every failed sign-in: unknown email, wrong password or code, or an
    attempt that had to wait."""
    return (
        "The email address, password or code is not right. "
        f"After {settings.SAFEKEEP_SIGN_IN_FREE_ATTEMPTS} attempts that are not right, "
        "you will need to wait before you try again, a little longer each time."
    )


def wait_message(seconds: int) -> str:
    """What a network that must wait is told (it says nothing about any account)."""
    amount, unit = (seconds, "second") if seconds < 60 else (math.ceil(seconds / 60), "minute")
    return (
        "There have been too many attempts to sign in from your network. "
        f"Wait {amount} {unit}{'' if amount == 1 else 's'}, then try again."
    )


def pending_start(request: HttpRequest, *, user: User | None, next_url: str) -> None:
    """Remembers the password step between pages; `user` is None when it failed."""
    request.session[PENDING] = {
        "user": user.pk if user is not None else None,
        "started": time.time(),
        "next": next_url,
    }


def pending_get(request: HttpRequest) -> dict[str, Any] | None:
    """The password step in progress, or None if there is none or it has expired."""
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    if time.time() - float(pending.get("started", 0)) > PENDING_MAX_SECONDS:
        del request.session[PENDING]
        request.session[NOTICE] = PENDING_EXPIRED
        return None
    return pending


def pending_user(pending: dict[str, Any]) -> User | None:
    if pending.get("user") is None:
        return None
    return User.objects.select_related("staff").filter(pk=pending["user"]).first()


def session_start(request: HttpRequest, *, user: User, device: AuthenticatorApp) -> None:
    """A fully signed-in session: new session key, second factor recorded, clocks started."""
    request.session.pop(PENDING, None)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    session_mark(request, user)


def session_mark(request: HttpRequest, user: User) -> None:
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now
    request.session[GENERATION] = user.session_generation


def session_end(request: HttpRequest, *, notice: str) -> None:
    """Ends the session (a new, empty one takes its place) and leaves a notice for sign-in."""
    logout(request)
    request.session[NOTICE] = notice
