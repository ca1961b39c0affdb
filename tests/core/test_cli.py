"""`safekeep --help` lists the commands this installation has, and names map to commands."""

from __future__ import annotations

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


def test_operator_names_map_to_management_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    monkeypatch.setattr(
        "django.core.management.execute_from_command_line", lambda argv: seen.append(argv)
    )
    cli.main(["import", "staff", "x.csv"])
    cli.main(["demo-code", "a@b.example"])
    assert seen == [
        ["safekeep", "import_data", "staff", "x.csv"],
        ["safekeep", "demo_code", "a@b.example"],
    ]
