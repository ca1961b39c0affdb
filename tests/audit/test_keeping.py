"""The pieces that keep the audit log: the owner's settings, the wipe's guard, and what
`verify` says about a log that was emptied or left unguarded."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from safekeep.audit.maintenance import is_wiping, wiping_test_database
from safekeep.audit.roles import owner_settings
from safekeep.audit.verify import verify_log
from tests.audit.conftest import execute

SERVICE = {
    "ENGINE": "django.db.backends.postgresql",
    "NAME": "safekeep",
    "HOST": "db.council.example",
    "PORT": 5432,
    "USER": "safekeep_app",
    "PASSWORD": "app-secret",
    "OPTIONS": {"sslmode": "require"},
}


def test_the_owner_differs_from_the_service_only_in_its_role(settings: Any) -> None:
    settings.SAFEKEEP_MIGRATE_DATABASE_URL = (
        "postgres://safekeep_owner:owner-secret@db.council.example:5432/safekeep"
    )
    assert owner_settings(SERVICE) == {
        **SERVICE,
        "USER": "safekeep_owner",
        "PASSWORD": "owner-secret",
    }


def test_an_owner_url_for_another_database_is_refused(settings: Any) -> None:
    settings.SAFEKEEP_MIGRATE_DATABASE_URL = "postgres://safekeep_owner@db.council.example/staging"
    with pytest.raises(CommandError) as caught:
        owner_settings(SERVICE)
    assert str(caught.value) == (
        "SAFEKEEP_MIGRATE_DATABASE_URL names database 'staging' on db.council.example:5432, "
        "but DATABASE_URL names database 'safekeep' on db.council.example:5432: both must "
        "name the same database; only the role differs."
    )


@pytest.mark.parametrize("url", ["", "postgres://safekeep_app@db.council.example:5432/safekeep"])
def test_no_separate_owner(settings: Any, url: str) -> None:
    settings.SAFEKEEP_MIGRATE_DATABASE_URL = url
    assert owner_settings(SERVICE) is None


@pytest.mark.django_db
def test_the_wipe_is_never_on_for_a_database_that_is_not_a_test_database() -> None:
    real = connection.settings_dict.copy()
    try:
        with wiping_test_database(connection):
            assert is_wiping(connection)
            connection.settings_dict["NAME"] = "safekeep"
            connection.settings_dict["TEST"] = {"NAME": "test_other"}
            assert not is_wiping(connection)
    finally:
        connection.settings_dict.clear()
        connection.settings_dict.update(real)


@pytest.mark.django_db
def test_verify_says_when_an_empty_log_was_created_long_after_the_database() -> None:
    migrations = MigrationRecorder.Migration.objects
    installed = timezone.now() - dt.timedelta(days=30)
    migrations.update(applied=installed)
    assert verify_log().warnings == []  # created with everything else
    migrations.filter(app="audit").update(applied=installed + dt.timedelta(days=29))
    report = verify_log()
    assert report.ok
    (warning,) = report.warnings
    assert warning.startswith("The audit log is empty, but its tables were created on ")
    assert warning.endswith(
        "long after the database itself ("
        + timezone.localtime(installed).strftime("%-d %B %Y %H:%M")
        + "): the log may have been removed and created again. Compare with a checkpoint "
        "kept elsewhere (audit verify --checkpoint FILE)."
    )


@pytest.mark.django_db
def test_verify_warns_when_the_triggers_are_disabled() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite triggers cannot be disabled, only dropped.")
    execute("ALTER TABLE audit_checkpoint DISABLE TRIGGER USER")
    assert verify_log().warnings == [
        "The append-only triggers on audit_checkpoint are missing or disabled: the database no "
        "longer refuses changes to it. Re-create them (docs/audit.md)."
    ]
