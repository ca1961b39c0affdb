"""The system administrator's sign-in pages: create a sign-in, reset a password or an
authenticator app, unlock a slowed sign-in. Thin: the rules and the audit are in
accounts/lifecycle.py. Nothing here shows or reaches case content."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from safekeep.accounts import lifecycle
from safekeep.accounts.models import User
from safekeep.accounts.selectors import sign_in_states, sign_in_summary
from safekeep.organisation.models import StaffMember
from safekeep.organisation.roles import RoleName
from safekeep.organisation.selectors import staff_search
from safekeep.web.decorators import role_required
from safekeep.web.errors import Refused
from safekeep.web.pages import origin_of, staff_of

PAGE_SIZE = 50
ADMIN = RoleName.SYSADMIN


def _staff(staff_id: str) -> StaffMember:
    return get_object_or_404(StaffMember.objects.select_related("team"), staff_id=staff_id)


def _account(staff: StaffMember) -> User:
    user = User.objects.select_related("staff").filter(staff=staff).first()
    if user is None:
        raise Refused(f"{staff.full_name} has no sign-in yet.")
    return user


@role_required(ADMIN)
def people(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(staff_search(query=query), PAGE_SIZE).get_page(request.GET.get("page"))
    members = list(page.object_list)
    states = sign_in_states(members)
    context = {
        "page_title": "Sign-ins",
        "query": query,
        "page": page,
        "rows": [(member, states[member.pk]) for member in members],
    }
    return render(request, "accounts/people.html", context)


@role_required(ADMIN)
def person(request: HttpRequest, staff_id: str) -> HttpResponse:
    staff = _staff(staff_id)
    summary = sign_in_summary(staff)
    own = staff.pk == staff_of(request).pk
    today = timezone.localdate()
    context = {
        "page_title": f"Sign-in of {staff.full_name}",
        "summary": summary,
        "own": own,
        "is_leaver": staff.is_leaver(today),
        "may_change": not own
        and summary.user is not None
        and not staff.is_leaver(today)
        and summary.user.is_active,
    }
    return render(request, "accounts/person.html", context)


def _link_page(request: HttpRequest, issued: lifecycle.Issued, heading: str) -> HttpResponse:
    """The link, shown once: never stored, never cached."""
    response = render(
        request,
        "accounts/link_issued.html",
        {
            "page_title": heading,
            "heading": heading,
            "staff": issued.user.staff,
            "link": issued.url(request.build_absolute_uri("/")),
            "expires_at": issued.link.expires_at,
            "hours": lifecycle.LINK_HOURS,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@never_cache
@role_required(ADMIN)
def invite(request: HttpRequest, staff_id: str) -> HttpResponse:
    staff = _staff(staff_id)
    try:
        issued = lifecycle.account_invite(staff=staff, origin=origin_of(request))
    except lifecycle.Refused as exc:
        raise Refused(str(exc)) from None
    return _link_page(request, issued, f"Sign-in created for {staff.full_name}")


@require_POST
@never_cache
@role_required(ADMIN)
def reset_password(request: HttpRequest, staff_id: str) -> HttpResponse:
    staff = _staff(staff_id)
    try:
        issued = lifecycle.account_password_reset(user=_account(staff), origin=origin_of(request))
    except lifecycle.Refused as exc:
        raise Refused(str(exc)) from None
    return _link_page(request, issued, f"Password reset for {staff.full_name}")


@require_POST
@role_required(ADMIN)
def reset_authenticator(request: HttpRequest, staff_id: str) -> HttpResponse:
    staff = _staff(staff_id)
    try:
        lifecycle.account_authenticator_reset(user=_account(staff), origin=origin_of(request))
    except lifecycle.Refused as exc:
        raise Refused(str(exc)) from None
    messages.success(
        request,
        f"{staff.full_name}'s authenticator app has been removed and they have been signed "
        "out everywhere. They will set up a new app the next time they sign in.",
    )
    return redirect("accounts:person", staff_id=staff.staff_id)


@require_POST
@role_required(ADMIN)
def unlock(request: HttpRequest, staff_id: str) -> HttpResponse:
    staff = _staff(staff_id)
    try:
        lifecycle.account_unlock(user=_account(staff), origin=origin_of(request))
    except lifecycle.Refused as exc:
        raise Refused(str(exc)) from None
    messages.success(
        request, f"{staff.full_name}'s sign-in is no longer slowed down by failed attempts."
    )
    return redirect("accounts:person", staff_id=staff.staff_id)
