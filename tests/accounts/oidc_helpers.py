"""Signing in with the test council's real OpenID Provider (tests/oidc_provider/)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.test import Client

from tests.oidc_provider.harness import CouncilProvider, callback_path

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

START = "/account/sign-in/council/"
PROVIDER_NAME = "Test Council account"


def use_council(settings: Any, provider: CouncilProvider) -> None:
    """Council sign-in on, against the test provider."""
    settings.SAFEKEEP_OIDC_ISSUER = provider.issuer
    settings.SAFEKEEP_OIDC_CLIENT_ID = provider.client_id
    settings.SAFEKEEP_OIDC_CLIENT_SECRET = provider.client_secret
    settings.SAFEKEEP_OIDC_PROVIDER_NAME = PROVIDER_NAME


def provider_answer(
    client: Client,
    provider: CouncilProvider,
    *,
    email: str,
    mfa: bool = True,
    hours_ago: float = 0,
    start: str = START,
) -> str:
    """Starts council sign-in and signs in at the provider; the callback address it sends
    the browser back to (not yet followed)."""
    response = client.get(start)
    assert response.status_code == 302, response.status_code
    return provider.sign_in_http(response["Location"], email=email, mfa=mfa, hours_ago=hours_ago)


def council_sign_in(
    client: Client,
    provider: CouncilProvider,
    *,
    email: str,
    mfa: bool = True,
    hours_ago: float = 0,
    tamper: str = "",
) -> Response:
    """The whole round trip; `tamper` makes the provider's next ID token wrong one way."""
    back = provider_answer(client, provider, email=email, mfa=mfa, hours_ago=hours_ago)
    if tamper:
        provider.tamper(tamper)
    return client.get(callback_path(back))
