"""The API tokens page: create (shown once), list and revoke your own tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from safekeep.api.models import ApiToken
from safekeep.api.selectors import tokens_of
from safekeep.api.services import TokenError, api_token_create, api_token_revoke
from safekeep.audit.writing import Origin
from safekeep.web.decorators import verified_staff_required


@verified_staff_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    user = request.user
    error = ""
    new_token: ApiToken | None = None
    plain = ""
    name = ""
    if request.method == "POST":
        origin = Origin.from_request(request)
        try:
            if "revoke" in request.POST:
                token = get_object_or_404(ApiToken, pk=request.POST["revoke"], user=user)
                api_token_revoke(user=user, token=token, origin=origin)  # type: ignore[arg-type]
                messages.success(request, "Token revoked")
                return redirect("api-tokens")
            name = request.POST.get("name", "")
            new_token, plain = api_token_create(user=user, name=name, origin=origin)  # type: ignore[arg-type]
        except TokenError as exc:
            error = exc.message
    return render(
        request,
        "api/tokens.html",
        {
            "page_title": "API tokens",
            "tokens": tokens_of(user, timezone.now()),  # type: ignore[arg-type]
            "token_days": settings.SAFEKEEP_API_TOKEN_DAYS,
            "new_token": new_token,
            "plain": plain,
            "error": error,
            "name": name,
        },
        status=400 if error else 200,
    )
