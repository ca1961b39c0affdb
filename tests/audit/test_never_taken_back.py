"""A real database's audit log is never taken back: `migrate` and `flush` refuse, nothing changes.

Each test runs the `safekeep` command on a real SQLite database file (a name not marked as a
test database), migrated once for the module and copied per test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

SAFEKEEP = Path(sys.executable).with_name("safekeep")
ROOT = Path(__file__).resolve().parents[2]
UNSET = ("DATABASE_URL", "SAFEKEEP_DATA_DIR", "SAFEKEEP_TEST_DB_NAME", "DJANGO_SETTINGS_MODULE")

Run = Callable[..., subprocess.CompletedProcess[str]]
ALL_AUDIT = "audit.0001_initial, audit.0002_append_only_triggers, audit.0003_no_session_bypass"


def runner(place: Path, *, settings: str = "safekeep.settings") -> Run:
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env |= {
        "DATABASE_URL": f"sqlite:///{place / 'safekeep.sqlite3'}",
        "SAFEKEEP_DATA_DIR": str(place / "var"),
        "SAFEKEEP_AUDIT_WITNESS": f"dir:{place / 'witness-share'}",  # storage of its own
        "SAFEKEEP_AUDIT_SEQUENCER": "sync",
        "DJANGO_SETTINGS_MODULE": settings,
        "PYTHONPATH": str(ROOT),
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own command, fixed arguments
            [str(SAFEKEEP), *args], env=env, capture_output=True, text=True, timeout=300
        )

    return run


def prepared(place: Path, *, settings: str = "safekeep.settings") -> Path:
    """Migrated, with a signed checkpoint (an audit entry)."""
    run = runner(place, settings=settings)
    assert run("migrate", "--noinput", "--verbosity", "0").returncode == 0
    assert run("audit", "checkpoint").returncode == 0
    return place


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return prepared(tmp_path_factory.mktemp("council"))


@pytest.fixture(scope="module")
def upstream_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return prepared(tmp_path_factory.mktemp("council"), settings="tests.audit.upstream.settings")


def copy(template: Path, into: Path) -> Path:
    place = into / "council"
    shutil.copytree(template, place)
    return place


def assert_intact(run: Run) -> None:
    verified = run("audit", "verify", "--no-progress")
    assert verified.returncode == 0, verified.stderr
    assert "\nAudit log intact: 1 entry, 1 checkpoint checked" in verified.stdout
    assert "Witness " in verified.stdout  # the copies beside the database agree with it
    assert verified.stderr == ""  # no trigger missing


BACK = [
    ("zero", ALL_AUDIT),
    ("0001", "audit.0002_append_only_triggers, audit.0003_no_session_bypass"),
    ("0002", "audit.0003_no_session_bypass"),
]


def test_every_way_back_is_refused_and_nothing_changes(template: Path, tmp_path: Path) -> None:
    """Each refusal on one copy (each `safekeep` command is a new process, the slow part):
    the log is checked intact after all of them, and forwards still works."""
    run = runner(copy(template, tmp_path))
    for target, unapplied in BACK:
        refused = run("migrate", "audit", target, "--noinput")
        assert (refused.returncode, refused.stderr.strip()) == (
            1,
            f"CommandError: Refused: this migration would unapply {unapplied}, which would "
            "drop the audit log or its append-only protection. The audit log of a real "
            "database is never taken back; nothing has been changed.",
        ), f"migrate audit {target}"
    flushed = run("flush", "--noinput")
    assert (flushed.returncode, flushed.stderr.strip()) == (
        1,
        "CommandError: Refused: flushing would erase the audit log, which is append-only. "
        "Only a test database may be flushed.",
    )
    planned = run("migrate", "audit", "zero", "--plan")  # only prints, changes nothing
    assert planned.returncode == 0
    assert "Undo Create model AuditEntry" in planned.stdout
    assert "No migrations to apply" in run("migrate", "--noinput").stdout
    assert_intact(run)


def test_taking_back_an_app_the_audit_app_comes_after_is_refused(
    upstream_template: Path, tmp_path: Path
) -> None:
    run = runner(copy(upstream_template, tmp_path), settings="tests.audit.upstream.settings")
    refused = run("migrate", "upstream", "zero", "--noinput")
    assert refused.returncode == 1
    assert "would unapply audit.0002_append_only_triggers, audit.0003_no_session_bypass" in (
        refused.stderr
    )
    assert "[X] 0001_initial" in run("showmigrations", "upstream").stdout
    assert_intact(run)
