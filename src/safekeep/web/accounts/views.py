"""Sign-in, two-factor, enrolment, sign-out and the account page. Thin: the rules live in
sign_in.py, sessions.py and services.py."""

from __future__ import annotations

import base64
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from safekeep.accounts import sessions, throttle
from safekeep.accounts.forms import CodeForm, SignInForm
from safekeep.accounts.models import User
from safekeep.accounts.selectors import confirmed_devices
from safekeep.accounts.services import (
    sign_in_success_record,
    sign_out_everywhere,
    two_factor_enrol_confirm,
    two_factor_enrol_start,
)
from safekeep.accounts.sign_in import (
    code_check,
    enrolment_code_check,
    enrolment_refusal,
    password_check,
)
from safekeep.audit.writing import Origin, audit_event
from safekeep.organisation.roles import RoleName
from safekeep.web.accounts import oidc_views
from safekeep.web.decorators import is_verified, verified_staff_required


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("web:start")


def _is_verified(request: HttpRequest) -> bool:
    return is_verified(request.user)


def _origin_for(request: HttpRequest, user: User | None) -> Origin:
    """The audit origin during sign-in, when request.user is not yet the person."""
    origin = Origin.from_request(request)
    if user is None:
        return origin
    return Origin(
        actor_staff_id=user.staff.staff_id if user.staff is not None else "",
        actor_username=user.get_username(),
        device=origin.device,
        request_id=origin.request_id,
        source_address=origin.source_address,
    )


def _fail(request: HttpRequest) -> HttpResponse:
    """Back to the start, with the one message that reveals nothing."""
    request.session.pop(sessions.PENDING, None)
    request.session[sessions.NOTICE] = sessions.FAILED
    return redirect("accounts:sign-in")


def _form_error(form: SignInForm, message: str) -> None:
    """A message for the whole form (an unbound form cannot take add_error; its error dict can)."""
    form.errors[NON_FIELD_ERRORS] = form.error_class([message], error_class="nonfield")


def sign_in(request: HttpRequest) -> HttpResponse:
    if _is_verified(request):
        return redirect(_safe_next(request, request.GET.get("next")))
    notice = request.session.pop(sessions.NOTICE, None)
    wait = 0
    if request.method == "POST":
        form = SignInForm(request.POST)
        if form.is_valid():
            next_url = _safe_next(request, request.POST.get("next"))
            result = password_check(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                origin=Origin.from_request(request),
            )
            wait = result.wait_seconds
            if result.council_only:
                _form_error(form, oidc_views.council_only_message())
            elif not wait:
                # Whatever happened, the next page asks for a code: only a person whose
                # password was right and who has no authenticator app yet is shown set-up.
                sessions.pending_start(request, user=result.user, next_url=next_url)
                if result.ok and result.needs_enrolment:
                    return redirect("accounts:enrol")
                return redirect("accounts:two-factor")
    else:
        form = SignInForm()
        wait = throttle.address_wait(Origin.from_request(request).source_address)
        if notice == sessions.FAILED and not wait:
            _form_error(form, sessions.failure_message())
    if wait:
        _form_error(form, sessions.wait_message(wait))
    context = {
        "form": form,
        "page_title": "Sign in",
        "notice": sessions.notice_text(notice) if notice and notice != sessions.FAILED else "",
        "next": request.POST.get("next") or request.GET.get("next", ""),
        **oidc_views.sign_in_context(),
    }
    response = render(
        request, "accounts/sign_in.html", context, status=429 if wait and form.is_bound else 200
    )
    if wait:
        response["Retry-After"] = str(wait)
    return response


def two_factor(request: HttpRequest) -> HttpResponse:
    pending = sessions.pending_get(request)
    if pending is None:
        return redirect("accounts:sign-in")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = sessions.pending_user(pending)
        if user is None:
            return _fail(request)
        origin = _origin_for(request, user)
        device = code_check(user=user, code=form.cleaned_data["code"], origin=origin)
        if device is None:
            return _fail(request)
        sessions.session_start(request, user=user, device=device)
        sign_in_success_record(user=user, origin=_origin_for(request, user))
        return redirect(_safe_next(request, pending.get("next")))
    return render(
        request, "accounts/two_factor.html", {"form": form, "page_title": "Enter your code"}
    )


def _qr_data_uri(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    svg = image.to_string(encoding="unicode")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def enrol(request: HttpRequest) -> HttpResponse:
    pending = sessions.pending_get(request)
    if pending is None:
        return redirect("accounts:sign-in")
    user = sessions.pending_user(pending)
    if user is None or confirmed_devices(user):
        return redirect("accounts:two-factor")
    device = two_factor_enrol_start(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        origin = _origin_for(request, user)
        if enrolment_code_check(
            user=user, device=device, code=form.cleaned_data["code"], origin=origin
        ):
            two_factor_enrol_confirm(user=user, device=device, origin=origin)  # and signs in
            sessions.session_start(request, user=user, device=device)
            return redirect(_safe_next(request, pending.get("next")))
        if enrolment_refusal(user, origin) is not None:
            return _fail(request)
        form.add_error(
            "code",
            "The code is not right. Enter the code your app shows now, "
            "and check the time on your phone is set automatically.",
        )
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "page_title": "Set up your authenticator app",
        "qr_data_uri": _qr_data_uri(device.config_url),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
    }
    return render(request, "accounts/enrol.html", context)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit_event(
            origin=Origin.from_request(request),
            action="auth.sign_out",
            decision="done",
            object_type="account",
            object_id=str(request.user.pk),
        )
    council_end = oidc_views.sign_out_target(request)
    sessions.session_end(request, notice=sessions.SIGNED_OUT)
    if council_end:
        return oidc_views.signed_out_page(request, council_end)
    return redirect("accounts:sign-in")


@require_POST
@verified_staff_required
def sign_out_everywhere_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # nosec B101 # narrows the type: the decorator signed them in
    sign_out_everywhere(user=user, origin=Origin.from_request(request))
    sessions.session_end(request, notice=sessions.SIGNED_OUT)
    return redirect("accounts:sign-in")


@verified_staff_required
def account(request: HttpRequest) -> HttpResponse:
    staff = getattr(request.user, "staff", None)
    context = {
        "page_title": "Your account",
        "manages_sign_ins": staff is not None and RoleName.SYSADMIN in staff.role_names(),
    }
    return render(request, "accounts/account.html", context)
