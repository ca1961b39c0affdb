"""tools/verify_audit.py loaded from its file, as an auditor runs it (it is not a package)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

TOOL = Path(__file__).resolve().parents[2] / "tools" / "verify_audit.py"
_spec = importlib.util.spec_from_file_location("verify_audit", TOOL)
assert _spec is not None and _spec.loader is not None
verify_audit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(verify_audit)
