"""The soak scripts under bench/soak, loaded for the bounded versions in this folder: they are
scripts, not a package, and import each other by their own names (`from crash import …`)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SOAK = Path(__file__).resolve().parents[2] / "bench" / "soak"


def load(name: str) -> ModuleType:
    if str(SOAK) not in sys.path:
        sys.path.insert(0, str(SOAK))
    spec = importlib.util.spec_from_file_location(f"soak_{name}", SOAK / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[f"soak_{name}"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module
