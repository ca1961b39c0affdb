"""The data directory is the owner's only (0700), and so is the SQLite database (0600): they
hold the keys, the files and the accounts."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from safekeep.config import data_dir, private_sqlite_database


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_data_directory_is_the_owners_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAFEKEEP_DATA_DIR", str(tmp_path / "new" / "var"))
    assert _mode(data_dir()) == 0o700


def test_an_existing_data_directory_is_tightened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    existing = tmp_path / "var"
    existing.mkdir(mode=0o755)
    existing.chmod(0o755)
    monkeypatch.setenv("SAFEKEEP_DATA_DIR", str(existing))
    data_dir()
    assert _mode(existing) == 0o700


def test_the_sqlite_file_and_its_journals_are_the_owners_only(tmp_path: Path) -> None:
    database = tmp_path / "safekeep.sqlite3"
    private_sqlite_database(database)
    assert _mode(database) == 0o600
    wal = tmp_path / "safekeep.sqlite3-wal"
    for path in (database, wal):
        path.touch()
        path.chmod(0o644)
    private_sqlite_database(database)
    assert (_mode(database), _mode(wal)) == (0o600, 0o600)


def test_a_real_start_leaves_nothing_others_can_read(tmp_path: Path) -> None:
    """`safekeep migrate`, as `make run` starts, with the default SQLite database."""
    var = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SAFEKEEP_DATA_DIR")}
    env["SAFEKEEP_DATA_DIR"] = str(var)
    safekeep = Path(sys.executable).with_name("safekeep")
    subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [str(safekeep), "migrate", "--noinput", "--verbosity", "0"],
        env=env,
        check=True,
        timeout=300,
    )
    assert _mode(var) == 0o700
    for path in var.glob("safekeep.sqlite3*"):
        assert _mode(path) == 0o600, path.name
    assert (var / "safekeep.sqlite3").stat().st_size > 0
