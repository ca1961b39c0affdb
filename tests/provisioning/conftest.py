from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client

from safekeep.audit.writing import Origin
from safekeep.provisioning.tokens import scim_client_create
from tests import factories

SCIM = "/scim/v2"


@pytest.fixture
def scim_token(db: Any) -> str:
    return scim_client_create(name="Entra ID", origin=Origin.command("test"))[1]


@pytest.fixture
def scim(client: Client, scim_token: str) -> Client:
    """A Django test client that sends the provisioning client's bearer token."""
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {scim_token}"
    return client


@pytest.fixture
def team(db: Any) -> Any:
    return factories.make_team("Children North")


@pytest.fixture
def in_process_wsgi() -> Iterator[None]:
    """Calling the WSGI application directly inside the test's transaction: Django's
    end-of-request connection clean-up would close the test's connection, so it is held
    back at both ends of the request as Django's own test client does (SQLite's in-memory
    test database ignores the close; PostgreSQL's does not)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
