"""Schemathesis hooks for `make fuzz-api` (loaded through SCHEMATHESIS_HOOKS).

`SAFEKEEP_FUZZ_CASES` names a JSON file written by tests/fuzz/run.py before the run:
`allowed`, the case ids the caller may see (decided case by case, not by the list query
the API uses), and `probes`, real case ids to put in the path, most of them not allowed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import strategies as st

_CASES = json.loads(Path(os.environ["SAFEKEEP_FUZZ_CASES"]).read_text())
ALLOWED: frozenset[str] = frozenset(_CASES["allowed"])
PROBES: list[str] = sorted(_CASES["probes"])


@schemathesis.hook
def flatmap_path_parameters(ctx: Any, path_parameters: dict[str, Any] | None) -> Any:
    """Half the case ids in paths are real ones, most of them someone else's."""
    if not path_parameters or "case_id" not in path_parameters:
        return st.just(path_parameters)
    return st.one_of(
        st.just(path_parameters),
        st.sampled_from(PROBES).map(lambda case_id: {**path_parameters, "case_id": case_id}),
    )


def case_ids(value: Any) -> Iterator[str]:
    """Every `case_id` anywhere in a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "case_id" and isinstance(item, str):
                yield item
            else:
                yield from case_ids(item)
    elif isinstance(value, list):
        for item in value:
            yield from case_ids(item)


@schemathesis.check
def no_case_beyond_the_caller(ctx: Any, response: Any, case: Any) -> None:
    """No answer names, or opens, a case the caller may not see."""
    asked = (case.path_parameters or {}).get("case_id")
    if 200 <= response.status_code < 300 and asked is not None and asked not in ALLOWED:
        raise AssertionError(f"case {asked} answered {response.status_code} to a stranger")
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        return  # not JSON: content_type_conformance reports it
    leaked = sorted(set(case_ids(body)) - ALLOWED)
    if leaked:
        raise AssertionError(f"the answer names cases the caller may not see: {leaked[:5]}")
