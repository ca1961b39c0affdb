"""An API token works only while its account may act, until it expires, and until the
account signs out everywhere or has its password reset. Every refusal is one audit entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from safekeep.accounts.models import User
from safekeep.accounts.services import account_disable, account_set_password, sign_out_everywhere
from safekeep.api.models import ApiToken
from safekeep.api.services import BEARER_REFUSAL, TokenError, api_token_create
from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import Origin
from safekeep.devices.services import enrolment_code_issue
from safekeep.organisation.services import staff_end
from tests import factories

pytestmark = pytest.mark.django_db
ORIGIN = Origin(actor_username="test")


def _worker_with_token() -> tuple[User, dict[str, str]]:
    """A practitioner with a case, an API token and an enrolled laptop for API calls."""
    staff = factories.make_staff()
    factories.make_case(allocated=(staff,))
    user = factories.make_user(staff)
    _, plain = api_token_create(user=user, name="Case system", origin=ORIGIN)
    laptop = factories.make_device(staff=staff)
    headers = {
        "Authorization": f"Bearer {plain}",
        "X-Safekeep-Device": factories.device_token(laptop),
    }
    return user, headers


def _refusals() -> list[tuple[str, str, list[str]]]:
    return [
        (entry.actor_staff_id, entry.object_type, entry.reasons)
        for entry in AuditEntry.objects.filter(action="auth.api_token", decision="refused")
    ]


def _refused(headers: dict[str, str]) -> bool:
    response = Client().get("/api/v1/cases", headers=headers)
    return response.status_code == 401 and response.json() == {"detail": BEARER_REFUSAL}


def test_a_working_token_lists_cases_and_writes_no_refusal() -> None:
    _, headers = _worker_with_token()
    response = Client().get("/api/v1/cases", headers=headers)
    assert (response.status_code, response.json()["count"]) == (200, 1)
    assert _refusals() == []


def test_a_leavers_token_stops_working_once_their_end_date_has_passed() -> None:
    user, headers = _worker_with_token()
    assert user.staff is not None
    # The last working day passed without anyone touching the record: the date decides.
    user.staff.end_date = timezone.localdate() - dt.timedelta(days=1)
    user.staff.save()
    assert _refused(headers)
    assert _refusals() == [(user.staff.staff_id, "api_token", ["staff member has left"])]


def test_a_leavers_token_ends_when_they_are_recorded_as_leaving() -> None:
    user, headers = _worker_with_token()
    assert user.staff is not None
    staff_end(origin=ORIGIN, staff=user.staff, end_date=timezone.localdate())
    assert _refused(headers)  # even on their last working day: the leaving is recorded
    # The leaver workflow closed the sign-in and revoked the token at once.
    assert _refusals()[0][2] == ["account disabled"]
    assert user.api_tokens.get().revoked_at is not None


def test_a_leavers_token_cannot_redeem_a_fresh_enrolment_code() -> None:
    user, headers = _worker_with_token()
    assert user.staff is not None
    code = enrolment_code_issue(
        origin=ORIGIN, device=factories.make_device(staff=user.staff), issued_by=None
    )
    user.staff.end_date = dt.date(2021, 1, 1)
    user.staff.save()
    response = Client().post(
        "/api/v1/devices/enrol",
        {"code": code},
        content_type="application/json",
        headers={"Authorization": headers["Authorization"]},
    )
    assert (response.status_code, response.json()) == (401, {"detail": BEARER_REFUSAL})
    assert not AuditEntry.objects.filter(action="device.enrol").exists()


def test_a_disabled_accounts_token_is_refused() -> None:
    user, headers = _worker_with_token()
    account_disable(user=user, origin=ORIGIN)
    assert _refused(headers)
    assert _refusals()[0][2] == ["account disabled"]


def test_tokens_expire_after_the_configured_days(settings: Any) -> None:
    settings.SAFEKEEP_API_TOKEN_DAYS = 7
    user, headers = _worker_with_token()
    token = ApiToken.objects.get(user=user)
    assert token.expires_at - token.created_at == dt.timedelta(days=7)
    assert AuditEntry.objects.get(action="api_token.create").reasons == [
        f"expires {token.expires_at:%Y-%m-%d}"
    ]
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert _refused(headers)
    assert _refusals()[0][2] == ["token expired"]


@pytest.mark.parametrize(
    "end",
    [
        lambda user: sign_out_everywhere(user=user, origin=ORIGIN),
        lambda user: account_set_password(
            user=user, password="a brand new long passphrase", origin=ORIGIN
        ),
    ],
    ids=["sign out everywhere", "password reset"],
)
def test_tokens_end_on_sign_out_everywhere_and_password_reset(end: Any) -> None:
    user, headers = _worker_with_token()
    end(user)
    assert _refused(headers)
    # A token made afterwards works.
    _, fresh = api_token_create(user=user, name="again", origin=ORIGIN)
    again = Client().get(
        "/api/v1/cases",
        headers={**headers, "Authorization": f"Bearer {fresh}"},
    )
    assert again.status_code == 200


def test_an_account_that_may_not_act_gets_no_new_token() -> None:
    leaver = factories.make_user(factories.make_staff(end_date=dt.date(2021, 1, 1)))
    with pytest.raises(TokenError) as caught:
        api_token_create(user=leaver, name="x", origin=ORIGIN)
    assert (
        caught.value.message == "This account cannot have an API token now: staff member has left"
    )
    assert not ApiToken.objects.exists()


def test_an_unknown_token_is_401_in_plain_words_and_not_audited() -> None:
    response = Client().get("/api/v1/cases", headers={"Authorization": "Bearer skp_nonsense"})
    assert (response.status_code, response.json()) == (401, {"detail": BEARER_REFUSAL})
    assert _refusals() == []


def test_the_tokens_page_shows_when_each_token_expires_and_which_have_ended() -> None:
    user, _ = _worker_with_token()
    client = factories.sign_in(Client(), user)
    token = ApiToken.objects.get(user=user)
    page = client.get("/api/v1/tokens/").content.decode()
    assert "A token stops working 90 days after it is made" in page
    assert f"{timezone.localtime(token.expires_at):%-d %B %Y, %H:%M}" in page
    assert "Active" in page
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    page = client.get("/api/v1/tokens/").content.decode()
    assert "Token expired" in page and "Revoke" not in page
