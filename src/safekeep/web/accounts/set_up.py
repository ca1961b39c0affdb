"""The set-up link's pages: open the link, choose a password, then the sign-in's own code
or app set-up pages. Thin: the rules and the audit are in accounts/lifecycle.py.

The token is in the address only for the first request: it is checked, the link is held in
the session, and the browser is sent to a page whose address holds nothing secret (so it
is not left in history or sent on as a referrer).
"""

from __future__ import annotations

import time

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from safekeep.accounts import lifecycle, sessions
from safekeep.accounts.forms import ChoosePasswordForm
from safekeep.accounts.selectors import confirmed_devices
from safekeep.accounts.services import AccountError
from safekeep.audit.writing import Origin

SET_UP = "safekeep.set_up_link"
SET_UP_MAX_SECONDS = 30 * 60  # choosing a password, once the link is open


def _refused(request: HttpRequest, *, signed_in: bool = False) -> HttpResponse:
    request.session.pop(SET_UP, None)
    response = render(
        request,
        "accounts/set_up_refused.html",
        {"page_title": "This link cannot be used", "signed_in": signed_in},
        status=403,
    )
    response["Cache-Control"] = "no-store"
    return response


@never_cache
def set_up_link(request: HttpRequest, token: str) -> HttpResponse:
    origin = Origin.from_request(request)
    if request.user.is_authenticated:
        lifecycle.link_refuse_while_signed_in(token=token, origin=origin)
        return _refused(request, signed_in=True)
    try:
        link = lifecycle.link_open(token=token[:100], origin=origin)
    except lifecycle.LinkRefused:
        return _refused(request)
    request.session.cycle_key()
    request.session[SET_UP] = {"link": link.pk, "started": time.time()}
    return redirect("accounts:set-up")


@never_cache
def set_up(request: HttpRequest) -> HttpResponse:
    state = request.session.get(SET_UP)
    if not isinstance(state, dict) or request.user.is_authenticated:
        return redirect("accounts:sign-in")
    origin = Origin.from_request(request)
    if time.time() - float(state.get("started", 0)) > SET_UP_MAX_SECONDS:
        return _refused(request)
    link = lifecycle.link_reopen(link_pk=int(state["link"]), origin=origin)
    if link is None:
        return _refused(request)
    form = ChoosePasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = lifecycle.link_use(
                link_pk=link.pk, password=form.cleaned_data["password"], origin=origin
            )
        except lifecycle.LinkRefused:
            return _refused(request)
        except AccountError as exc:
            form.add_error("password", str(exc))
        else:
            request.session.pop(SET_UP, None)
            # Now as if the right password had been given at sign-in: the code next, or
            # setting up the app (the sign-in's own pages, throttled and audited as ever).
            sessions.pending_start(request, user=user, next_url=reverse("web:start"))
            if confirmed_devices(user):
                return redirect("accounts:two-factor")
            return redirect("accounts:enrol")
    staff = link.user.staff
    context = {
        "form": form,
        "page_title": "Choose a password",
        "name": staff.full_name if staff is not None else "",
        "email": link.user.email,
        "has_app": bool(confirmed_devices(link.user)),
    }
    return render(request, "accounts/set_up.html", context, status=400 if form.errors else 200)
