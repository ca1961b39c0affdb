"""Migration api.0002: existing tokens expire 90 days after they were made and belong to
their account's session generation at the time; nothing is deleted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from safekeep.api.models import ApiToken

BEFORE = [("api", "0001_initial")]
AFTER = [("api", "0002_api_token_expiry_and_generation")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_apps() -> Iterator[Any]:
    """The models as they were before the migration; the database ends up at the latest."""
    try:
        yield _migrate(BEFORE)
    finally:
        _migrate(AFTER)


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

    _migrate(AFTER)

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
