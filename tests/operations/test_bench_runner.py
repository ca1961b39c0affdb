"""`make bench` fails when a benchmark does: one that raises, and one whose result reports an
"error" (the benchmarks run each database in a worker and return its failure, not raise)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

RUN = Path(__file__).resolve().parents[2] / "bench" / "run.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_runner", RUN)
    assert spec is not None and spec.loader is not None
    runner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(runner)
    return runner


def _runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, results: dict[str, Any]) -> ModuleType:
    runner = _load()
    monkeypatch.setattr(runner, "RESULTS", tmp_path)
    monkeypatch.setattr(runner, "modules", lambda names: [Path(n) for n in results])

    def run(path: Path) -> dict[str, Any]:
        result = results[str(path)]
        if isinstance(result, Exception):
            raise result
        return dict(result)

    monkeypatch.setattr(runner, "run", run)
    return runner


def test_every_benchmark_succeeding_exits_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = _runner(tmp_path, monkeypatch, {"a": {"sqlite": {"rate": 1}}, "b": {"x": [1]}})
    assert runner.main([]) == 0
    assert (tmp_path / "a.json").exists() and (tmp_path / "b.json").exists()


@pytest.mark.parametrize(
    "failing",
    [
        RuntimeError("worker failed"),
        {"sqlite": {"rate": 1}, "postgresql": {"engine": "postgresql", "error": ["boom"]}},
        {"error": "top level"},
        {"runs": [{"ok": 1}, {"error": "in a list"}]},
    ],
)
def test_a_failing_benchmark_exits_non_zero_and_the_others_still_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: Any
) -> None:
    runner = _runner(tmp_path, monkeypatch, {"a": failing, "b": {"sqlite": {"rate": 1}}})
    assert runner.main([]) == 1
    assert (tmp_path / "b.json").exists()


def test_the_national_scale_benchmark_runs_only_when_named() -> None:
    """`make bench` (and CI's smoke) run every benchmark but bench/scale.py, which takes an
    hour and tens of gigabytes; `make bench-scale` names it."""
    runner = _load()
    everything = {path.stem for path in runner.modules([])}
    assert "scale" not in everything and {"audit", "policy"} <= everything
    assert [path.stem for path in runner.modules(["scale"])] == ["scale"]
