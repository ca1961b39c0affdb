"""Migration api.0002: existing tokens expire 90 days after they were made and belong to
their account's session generation at the time; nothing is deleted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from safekeep.api.models import ApiToken
from tests.migrating import migrate, models_at

# Accounts stays at its latest migration: the users written "before" have today's columns.
ACCOUNTS = ("accounts", "0005_set_up_links")
BEFORE = [("api", "0001_initial"), ACCOUNTS]
AFTER = [("api", "0002_api_token_expiry_and_generation"), ACCOUNTS]


@pytest.fixture
def old_apps() -> Iterator[Any]:
    """The models as they were before the migration."""
    with models_at(BEFORE, then=AFTER) as apps:
        yield apps


@pytest.mark.django_db(transaction=True)
def test_existing_tokens_get_an_expiry_and_their_accounts_generation(old_apps: Any) -> None:
    user = old_apps.get_model("accounts", "User").objects.create(
        username="a@example.org", session_generation=3
    )
    Token = old_apps.get_model("api", "ApiToken")
    now = timezone.now()
    for name, age in (("recent", 10), ("old", 100)):
        Token.objects.create(
            user=user,
            name=name,
            token_hash=name * 8,
            prefix=name,
            created_at=now - dt.timedelta(days=age),
        )

    migrate(AFTER)

    tokens = {t.name: t for t in ApiToken.objects.select_related("user")}
    assert {name: t.expires_at - t.created_at for name, t in tokens.items()} == {
        "recent": dt.timedelta(days=90),
        "old": dt.timedelta(days=90),
    }
    assert {t.account_generation for t in tokens.values()} == {3}
    later = timezone.now()
    assert (tokens["recent"].ended_by(later), tokens["old"].ended_by(later)) == (
        "",
        "token expired",
    )
