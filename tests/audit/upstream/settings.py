"""Safekeep's settings plus the `upstream` test app (tests/audit/test_never_taken_back.py)."""

from safekeep.settings import *  # noqa: F403
from safekeep.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.audit.upstream"]
