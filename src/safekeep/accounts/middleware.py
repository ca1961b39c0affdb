"""Session policy: idle timeout, absolute lifetime, sign-out-everywhere, and accounts that
may not act now (leavers and disabled accounts: `accounts.standing`).

Runs on every request after authentication. A session that must end is ended before any
view runs, the reason is audited, and the person is sent to the sign-in page with a plain
message. API requests are not redirected: they simply continue as signed out.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from safekeep.accounts import sessions
from safekeep.accounts.standing import account_may_act
from safekeep.audit.writing import Origin, audit_event

# The audit log's words for a session ended by Django (a disabled account, a changed
# password): the account's standing otherwise words its own reasons (`account_may_act`).
ACCOUNT_GONE = "account disabled or its password changed"


class SessionPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ending = self._ending(request)
        if ending is None:
            return self.get_response(request)
        reason, notice = ending
        audit_event(
            origin=Origin.from_request(request),
            action="auth.session_end",
            decision="done",
            object_type="account",
            object_id=str(request.user.pk or ""),
            reasons=[reason],
        )
        sessions.session_end(request, notice=notice)
        if request.path.startswith("/api/"):
            return self.get_response(request)
        target = reverse("accounts:sign-in")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)

    def _ending(self, request: HttpRequest) -> tuple[str, str] | None:
        """Why this session must end now (the audit reason, the sign-in page's notice), or
        None: then its last activity is updated. Leavers and disabled accounts are
        told only "You were signed out"; the audit log says which."""
        session = request.session
        signed_in_at = session.get(sessions.SIGNED_IN_AT)
        user = request.user
        if not user.is_authenticated:
            # Django drops disabled accounts and changed passwords; the marker says it was ours.
            return (ACCOUNT_GONE, sessions.ENDED) if signed_in_at is not None else None
        if signed_in_at is None:
            # Signed in some other way (e.g. a test client's force_login): the clocks start now.
            sessions.session_mark(request, user)
            signed_in_at = session[sessions.SIGNED_IN_AT]
        standing = account_may_act(user, timezone.now())
        if not standing.may_act:
            return standing.reason, sessions.ENDED
        if session.get(sessions.GENERATION) != user.session_generation:
            return "signed out everywhere", sessions.ENDED
        now = time.time()
        if now - float(session.get(sessions.LAST_SEEN, 0)) > settings.SAFEKEEP_IDLE_TIMEOUT_SECONDS:
            return "idle timeout", sessions.IDLE
        if now - float(signed_in_at) > settings.SAFEKEEP_SESSION_MAX_AGE_SECONDS:
            return "session lifetime reached", sessions.TOO_LONG
        session[sessions.LAST_SEEN] = now
        return None
