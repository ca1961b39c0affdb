"""The fuzzing run's own check: an answer that names or opens someone else's case fails."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest


@pytest.fixture
def hooks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps({"allowed": ["C1"], "probes": ["C1", "C2"]}))
    monkeypatch.setenv("SAFEKEEP_FUZZ_CASES", str(cases))
    return importlib.reload(importlib.import_module("tests.fuzz.hooks"))


def _answer(status: int, body: object) -> SimpleNamespace:
    return SimpleNamespace(status_code=status, content=json.dumps(body).encode())


def _asked(case_id: str | None = None) -> SimpleNamespace:
    return SimpleNamespace(path_parameters={"case_id": case_id} if case_id else {})


def test_an_answer_within_the_callers_cases_passes(hooks: ModuleType) -> None:
    listing = {"count": 1, "results": [{"case_id": "C1", "subject": {"subject_id": "P1"}}]}
    hooks.no_case_beyond_the_caller(None, _answer(200, listing), _asked())
    hooks.no_case_beyond_the_caller(None, _answer(403, {"detail": "No"}), _asked("C2"))


def test_an_answer_naming_someone_elses_case_fails(hooks: ModuleType) -> None:
    listing = {"count": 2, "results": [{"case_id": "C1"}, {"nested": [{"case_id": "C2"}]}]}
    with pytest.raises(AssertionError, match=r"may not see: \['C2'\]"):
        hooks.no_case_beyond_the_caller(None, _answer(200, listing), _asked())


def test_opening_someone_elses_case_fails(hooks: ModuleType) -> None:
    with pytest.raises(AssertionError, match="case C2 answered 201 to a stranger"):
        hooks.no_case_beyond_the_caller(None, _answer(201, {"id": 3}), _asked("C2"))
