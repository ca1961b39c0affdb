"""Signing in with the council's identity provider (OpenID Connect): the redirect there,
the answer back, and where sign-out goes. Thin: the rules live in accounts/oidc.py."""

from __future__ import annotations

import requests
from authlib.integrations.base_client import OAuthError
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from joserfc.errors import JoseError

from safekeep.accounts import oidc, sessions
from safekeep.accounts.models import User
from safekeep.accounts.selectors import confirmed_devices
from safekeep.accounts.services import sign_in_success_record
from safekeep.audit.writing import Origin

NEXT = "safekeep.council_next"
COUNCIL = "safekeep.council_sign_in"  # this session began at the council's provider


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("web:start")


def _origin_for(request: HttpRequest, user: User) -> Origin:
    origin = Origin.from_request(request)
    return Origin(
        actor_staff_id=user.staff.staff_id if user.staff is not None else "",
        actor_username=user.get_username(),
        device=origin.device,
        request_id=origin.request_id,
        source_address=origin.source_address,
    )


def _refused(request: HttpRequest, refusal: oidc.Refusal) -> HttpResponse:
    request.session.pop(sessions.PENDING, None)
    context = {"page_title": "You could not be signed in", "message": refusal.message}
    return render(request, "accounts/council_refused.html", context, status=403)


def sign_in_context() -> dict[str, object]:
    """What the sign-in page needs to offer council sign-in (nothing while it is off)."""
    if not oidc.enabled():
        return {"council_sign_in": False}
    return {"council_sign_in": True, "council_provider": oidc.provider_name()}


def council_only_message() -> str:
    """Shown when someone not listed as a break-glass administrator tries a password."""
    return (
        f"Sign in with {oidc.provider_name()} instead. While council sign-in is on, only a "
        "few administrators may sign in with a Safekeep password."
    )


def council_sign_in(request: HttpRequest) -> HttpResponse:
    """Sends the browser to the provider (Authlib keeps state, nonce and PKCE verifier)."""
    if not oidc.enabled():
        raise Http404
    request.session[NEXT] = _safe_next(request, request.GET.get("next"))
    redirect_uri = request.build_absolute_uri(reverse("accounts:council-sign-in-done"))
    try:
        response: HttpResponse = oidc.client().authorize_redirect(request, redirect_uri)
    except requests.RequestException as error:
        refusal = oidc.token_refusal(error)
        oidc.refusal_record(origin=Origin.from_request(request), refusal=refusal)
        return _refused(request, refusal)
    return response


def council_sign_in_done(request: HttpRequest) -> HttpResponse:
    """The provider's answer: checked, matched to the staff directory, then signed in (or
    on to Safekeep's own code when the provider showed no recent multi-factor)."""
    if not oidc.enabled():
        raise Http404
    origin = Origin.from_request(request)
    next_url = request.session.pop(NEXT, None) or reverse("web:start")
    try:
        token = oidc.client().authorize_access_token(request, claims_options=oidc.claims_options())
        claims = oidc.token_claims(token)
    except (OAuthError, JoseError, requests.RequestException) as error:
        refusal = oidc.token_refusal(error)
        oidc.refusal_record(origin=origin, refusal=refusal)
        return _refused(request, refusal)
    except oidc.Refusal as refusal:
        oidc.refusal_record(origin=origin, refusal=refusal)
        return _refused(request, refusal)
    try:
        accepted = oidc.identity_accept(claims=claims, origin=origin)
    except oidc.Refusal as refusal:  # audited where it was decided
        return _refused(request, refusal)
    user = accepted.user
    if accepted.mfa_recent:
        request.session.pop(sessions.PENDING, None)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        otp_login(request, accepted.identity)
        sessions.session_mark(request, user)
        request.session[COUNCIL] = True
        reasons = [f"signed in with {oidc.provider_name()}", *accepted.reasons]
        sign_in_success_record(user=user, origin=_origin_for(request, user), reasons=reasons)
        return redirect(next_url)
    oidc.step_record(origin=_origin_for(request, user), accepted=accepted)
    sessions.pending_start(request, user=user, next_url=next_url)
    request.session[COUNCIL] = True
    return redirect("accounts:two-factor" if confirmed_devices(user) else "accounts:enrol")


def sign_out_target(request: HttpRequest) -> str | None:
    """Where sign-out goes after ending the Safekeep session: the provider's end-session
    address when this session began there and the provider has one, else None."""
    if not request.session.get(COUNCIL):
        return None
    after = request.build_absolute_uri(reverse("accounts:sign-in"))
    return oidc.end_session_url(after=after)


def signed_out_page(request: HttpRequest, end_session: str) -> HttpResponse:
    """Signed out of Safekeep; a link on to the provider's sign-out. A link, not a redirect:
    the pages' Content-Security-Policy lets a form lead only to Safekeep itself."""
    context = {
        "page_title": "You have signed out of Safekeep",
        "end_session": end_session,
        "council_provider": oidc.provider_name(),
    }
    return render(request, "accounts/council_signed_out.html", context)
