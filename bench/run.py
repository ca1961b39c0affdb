"""`make bench`: run every bench/*.py module's `main()` and write bench/results/NAME.json.

Usage: python bench/run.py [NAME ...]   (default: every module but the on-demand ones; e.g.
`python bench/run.py policy`)
Each `main()` returns a JSON-serialisable dict that states the data size it measured.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"


# Run only when named (`make bench-scale`): an hour and tens of gigabytes at full size.
ON_DEMAND = {"scale"}


def modules(names: list[str]) -> list[Path]:
    found = sorted(p for p in BENCH.glob("*.py") if p.stem != "run" and not p.stem.startswith("_"))
    if names:
        unknown = set(names) - {p.stem for p in found}
        if unknown:
            raise SystemExit(f"no benchmark named {', '.join(sorted(unknown))}")
        return [p for p in found if p.stem in names]
    return [p for p in found if p.stem not in ON_DEMAND]


def run(path: Path) -> dict[str, Any]:
    spec = importlib.util.spec_from_file_location(f"bench_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result: dict[str, Any] = module.main()
    return result


def errors(result: Any, where: str = "") -> list[str]:
    """Where a result reports an "error" key (a worker that failed returns one, not raises)."""
    if isinstance(result, dict):
        found = [f"{where or '.'}: {result['error']}"] if "error" in result else []
        for key, value in result.items():
            found += errors(value, f"{where}.{key}")
        return found
    if isinstance(result, list):
        return [e for n, value in enumerate(result) for e in errors(value, f"{where}[{n}]")]
    return []


def main(argv: list[str]) -> int:
    RESULTS.mkdir(exist_ok=True)
    failed = []
    for path in modules(argv):
        print(f"bench {path.stem}: running", flush=True)
        started = time.perf_counter()
        try:
            result = run(path)
        except Exception as error:  # one broken benchmark must not hide the others
            print(f"bench {path.stem}: FAILED: {error!r}", flush=True)
            failed.append(path.stem)
            continue
        out = RESULTS / f"{path.stem}.json"
        out.write_text(json.dumps(result, indent=2, sort_keys=True, default=str) + "\n")
        print(f"bench {path.stem}: {time.perf_counter() - started:.0f}s -> {out}", flush=True)
        reported = errors(result)
        for problem in reported:
            print(f"bench {path.stem}: FAILED: {problem}", flush=True)
        if reported:
            failed.append(path.stem)
    if failed:
        print(f"bench: {len(failed)} failed: {', '.join(failed)}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
