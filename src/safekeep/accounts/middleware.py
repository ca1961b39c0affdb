"""Session policy: idle timeout, absolute lifetime, sign-out-everywhere and leavers.

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

from safekeep.accounts import sessions
from safekeep.audit.writing import Origin, audit_event

# Plain reasons for the audit log, one per way a session can end.
AUDIT_REASONS = {
    "account": "account disabled or its password changed",
    "leaver": "staff member has left",
    "no_staff": "account not linked to a member of staff",
    "generation": "signed out everywhere",
    sessions.IDLE: "idle timeout",
    sessions.TOO_LONG: "session lifetime reached",
}


class SessionPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reason = self._end_reason(request)
        if reason is None:
            return self.get_response(request)
        audit_event(
            origin=Origin.from_request(request),
            action="auth.session_end",
            decision="done",
            object_type="account",
            object_id=str(request.user.pk or ""),
            reasons=[AUDIT_REASONS[reason]],
        )
        notice = reason if reason in (sessions.IDLE, sessions.TOO_LONG) else sessions.ENDED
        sessions.session_end(request, notice=notice)
        if request.path.startswith("/api/"):
            return self.get_response(request)
        target = reverse("accounts:sign-in")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)

    def _end_reason(self, request: HttpRequest) -> str | None:
        """Why this session must end now, or None (then its last activity is updated)."""
        session = request.session
        signed_in_at = session.get(sessions.SIGNED_IN_AT)
        user = request.user
        if not user.is_authenticated:
            # Django drops disabled accounts and changed passwords; the marker says it was ours.
            return "account" if signed_in_at is not None else None
        if signed_in_at is None:
            # Signed in some other way (e.g. a test client's force_login): the clocks start now.
            sessions.session_mark(request, user)
            signed_in_at = session[sessions.SIGNED_IN_AT]
        staff = getattr(user, "staff", None)
        if staff is None:
            return "no_staff"
        if staff.is_leaver():
            return "leaver"
        if session.get(sessions.GENERATION) != user.session_generation:
            return "generation"
        now = time.time()
        if now - float(session.get(sessions.LAST_SEEN, 0)) > settings.SAFEKEEP_IDLE_TIMEOUT_SECONDS:
            return sessions.IDLE
        if now - float(signed_in_at) > settings.SAFEKEEP_SESSION_MAX_AGE_SECONDS:
            return sessions.TOO_LONG
        session[sessions.LAST_SEEN] = now
        return None
