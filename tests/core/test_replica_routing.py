"""DATABASE_REPLICA_URL: reports and lists read the replica; decisions read the primary.

The replica here is a second alias on the test database itself, as the issue allows: what
is tested is which connection each read goes through. The tests commit (transaction=True)
so that the second connection sees the rows.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safekeep.dbrouting import REPLICA, for_reports
from safekeep.organisation.models import StaffMember
from tests import factories
from tests.audit.test_reports import entry

pytestmark = pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])


@pytest.fixture(scope="module", autouse=True)
def replica(django_db_setup: None) -> Iterator[str]:
    """A `replica` alias, as DATABASE_REPLICA_URL adds, on the test database itself (made
    once the test database is, and before each test's database set-up checks its aliases)."""
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    connections.settings[REPLICA] = {**primary, "TEST": {**primary["TEST"], "MIRROR": "default"}}
    try:
        yield REPLICA
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


def _tables(captured: CaptureQueriesContext) -> str:
    return " ".join(query["sql"] for query in captured.captured_queries)


def test_an_ig_report_reads_the_replica(client: Client, replica: str) -> None:
    entry("S00001", "P1")
    factories.sign_in(client, factories.make_user(factories.make_staff(roles=("ig_officer",))))
    with CaptureQueriesContext(connections[replica]) as on_replica:
        response = client.get(reverse("audit:subject-report"), {"subject_id": "P1"})
    assert response.status_code == 200
    assert "S00001" in response.content.decode()
    assert "audit_auditentry" in _tables(on_replica)
    # The page's own checks (the session, the account, the IG role) stayed on the primary.
    for table in ("accounts_", "organisation_", "devices_", "django_session"):
        assert table not in _tables(on_replica), table


def test_decisions_read_the_primary_with_a_replica_configured(client: Client, replica: str) -> None:
    """An API read: the token, the device credential, "may this account act now?" and the
    access decision. Not one query on the replica, though a replica is configured."""
    team = factories.make_team("Replica team")
    worker = factories.make_staff(team=team)
    case = factories.make_case(team=team, allocated=(worker,))
    headers = factories.api_headers(factories.make_user(worker))
    refused = factories.make_case(team=factories.make_team("Elsewhere"))
    with (
        CaptureQueriesContext(connections[replica]) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
    ):
        assert client.get(f"/api/v1/cases/{case.case_id}", headers=headers).status_code == 200
        assert client.get(f"/api/v1/cases/{refused.case_id}", headers=headers).status_code == 403
        factories.sign_in(client, factories.make_user(factories.make_staff(team=team)))
        assert client.get(reverse("records:case", args=[case.case_id])).status_code == 403
    assert on_replica.captured_queries == []
    assert "api_apitoken" in _tables(on_primary)


def test_a_row_read_from_the_replica_is_saved_to_the_primary(replica: str) -> None:
    staff = factories.make_staff()
    read = for_reports(StaffMember.objects.all()).get(pk=staff.pk)
    assert read._state.db == replica
    read.family_name = "Changed"
    with (
        CaptureQueriesContext(connections[replica]) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
    ):
        read.save()
    assert "UPDATE" not in _tables(on_replica)
    assert "UPDATE" in _tables(on_primary)
