"""DATABASE_URL: one host as dj-database-url reads it, or several for failover (libpq);
DATABASE_REPLICA_URL."""

from __future__ import annotations

import pytest
from django.db import DEFAULT_DB_ALIAS

from safekeep.audit import selectors
from safekeep.config import database_settings, replica_database
from safekeep.dbrouting import reports_database


def test_several_hosts_become_libpq_host_and_port_lists() -> None:
    url = "postgres://app:secret@db1:5433,db2:5434/safekeep?target_session_attrs=read-write"
    got = database_settings(url, conn_max_age=60)
    assert (got["HOST"], got["PORT"], got["NAME"]) == ("db1,db2", "5433,5434", "safekeep")
    assert (got["USER"], got["PASSWORD"]) == ("app", "secret")
    assert got["OPTIONS"] == {"target_session_attrs": "read-write"}
    assert got["CONN_MAX_AGE"] == 60
    assert got["ENGINE"] == "django.db.backends.postgresql"


def test_hosts_without_ports_use_the_default_port() -> None:
    got = database_settings("postgres://app@db1,db2/safekeep")
    assert (got["HOST"], got["PORT"]) == ("db1,db2", "")
    mixed = database_settings("postgres://app@db1,db2:6432/safekeep")
    assert (mixed["HOST"], mixed["PORT"]) == ("db1,db2", "5432,6432")


def test_one_host_and_sqlite_are_read_as_before() -> None:
    got = database_settings("postgres://app@db1:5432/safekeep")
    assert (got["HOST"], got["PORT"], got["NAME"]) == ("db1", 5432, "safekeep")
    assert database_settings("sqlite:////srv/x.sqlite3")["NAME"] == "/srv/x.sqlite3"


def test_the_replica_url_is_postgresql_and_tests_mirror_the_primary() -> None:
    assert replica_database("") == {}
    found = replica_database("postgres://safekeep_app@db2:5433/safekeep")["replica"]
    assert (found["HOST"], found["PORT"], found["NAME"]) == ("db2", 5433, "safekeep")
    assert found["TEST"] == {"MIRROR": "default"}  # tests need no second database
    with pytest.raises(ValueError, match="PostgreSQL"):
        replica_database("sqlite:////tmp/replica.sqlite3")


@pytest.mark.django_db
def test_without_a_replica_reports_read_the_primary() -> None:
    assert reports_database() == DEFAULT_DB_ALIAS
    assert selectors.subject_access(subject_id="P1").db == DEFAULT_DB_ALIAS
