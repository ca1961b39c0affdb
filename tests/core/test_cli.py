"""`safekeep --help` lists the commands this installation has, names map to commands, and a
command runs the system checks but does not import the pages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from safekeep import cli


def test_help_lists_only_available_commands() -> None:
    text = cli.render_help({"serve", "demo", "import_data"})
    assert "usage: safekeep COMMAND [options]" in text
    assert "  serve " in text
    assert "  demo [--if-empty] [--seed N]" in text
    assert "  import KIND FILE.csv [--create-missing]" in text
    assert "KIND: " in text and "staff" in text
    assert "foi-report" not in text and "migrate" not in text


def test_help_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["--help"])
    text = capsys.readouterr().out
    assert "Running the service" in text
    assert "  serve " in text and "  migrate " in text
    assert "KIND: " in text
    assert all(len(line) <= 100 for line in text.splitlines())


@pytest.mark.django_db  # the key check reads the database
def test_operator_names_map_to_management_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    monkeypatch.setattr(
        "django.core.management.execute_from_command_line", lambda argv: seen.append(argv)
    )
    cli.main(["import", "staff", "x.csv"])
    cli.main(["demo-code", "a@b.example"])
    cli.main(["serve", "--workers", "2"])
    assert seen == [  # the checks ran first, all but the URL configuration's (below)
        ["safekeep", "import_data", "--skip-checks", "staff", "x.csv"],
        ["safekeep", "demo_code", "--skip-checks", "a@b.example"],
        ["safekeep", "serve", "--workers", "2"],  # every check: it imports every page anyway
    ]


def _run_cli(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`safekeep ARGS` in a new process, saying afterwards whether the pages were imported."""
    script = (
        "import sys\nfrom safekeep import cli\n"
        f"cli.main({args!r})\n"
        "print('urls imported' if 'safekeep.urls' in sys.modules else 'urls not imported')"
    )
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SAFEKEEP_DATA_DIR": str(tmp_path / "var"),
        **env,
    }
    return subprocess.run(  # noqa: S603 - this Python, fixed arguments
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True
    )


def test_a_command_starts_without_importing_the_pages(tmp_path: Path) -> None:
    listed = _run_cli(["run-jobs", "--list"], tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "retention:" in listed.stdout
    assert listed.stdout.endswith("urls not imported\n")
    checked = _run_cli(["check"], tmp_path)
    assert checked.stdout.endswith("urls imported\n"), checked.stderr


def test_a_command_still_stops_on_safekeep_s_own_checks(tmp_path: Path) -> None:
    refused = _run_cli(["run-jobs", "--list"], tmp_path, SAFEKEEP_AUDIT_WITNESS="bogus:x")
    assert refused.returncode == 1
    assert refused.stderr.startswith("SystemCheckError: System check identified some issues:")
    assert "(safekeep.audit.E001) SAFEKEEP_AUDIT_WITNESS item 1 ('bogus:x')" in refused.stderr
    assert "retention:" not in refused.stdout
