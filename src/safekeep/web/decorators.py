"""View guards: pages with personal data need a signed-in, two-factor-verified staff member."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from safekeep.audit.writing import Origin, audit_event
from safekeep.web.errors import Refused

View = Callable[..., HttpResponse]
ROLE_REFUSAL = "Your role does not allow this."


def is_verified(user: object) -> bool:
    """Signed in with both password and code (django-otp adds is_verified to request.user)."""
    check = getattr(user, "is_verified", None)
    return bool(getattr(user, "is_authenticated", False) and check is not None and check())


def verified_staff_required(view: View) -> View:
    """Signed in, second factor verified, and linked to a staff member; otherwise sign in again."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not is_verified(user):
            return redirect_to_login(request.get_full_path())
        if getattr(user, "staff", None) is None:
            raise Refused("This account is not linked to a member of staff.")
        return view(request, *args, **kwargs)

    return guarded


def role_required(*roles: str) -> Callable[[View], View]:
    """Like verified_staff_required, and the staff member must hold one of `roles`."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            staff = request.user.staff  # type: ignore[union-attr]
            assert staff is not None  # nosec B101 # narrows the type: verified_staff_required
            if not staff.role_names() & set(roles):
                # A refusal is a decision: recorded once, naming the page, not its contents.
                match = request.resolver_match
                audit_event(
                    origin=Origin.from_request(request),
                    action="page.open",
                    decision="refused",
                    object_type="page",
                    object_id=match.view_name if match else request.path[:80],
                    reasons=[ROLE_REFUSAL],
                )
                raise Refused(ROLE_REFUSAL)
            return view(request, *args, **kwargs)

        return verified_staff_required(guarded)

    return decorate
