"""DATABASE_URL: one host as dj-database-url reads it, or several for failover (libpq)."""

from __future__ import annotations

from safekeep.config import database_settings


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
