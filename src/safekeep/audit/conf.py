"""The audit app's settings: Django settings first, then the environment, then defaults.

Each anomaly rule has a threshold an IG officer may want to tune (docs/audit.md lists them).
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from safekeep.config import env_bool, env_int

DEFAULTS: dict[str, int] = {
    # More than this many distinct cases outside one's caseload opened in one day.
    "SAFEKEEP_ALERT_OUTSIDE_CASELOAD_PER_DAY": 10,
    # Break-glass used more than this many times by one person in seven days.
    "SAFEKEEP_ALERT_BREAK_GLASS_PER_WEEK": 2,
    # Case access by someone whose end date is within this many days.
    "SAFEKEEP_ALERT_LEAVER_DAYS": 14,
    # At least this many failed sign-ins within the window...
    "SAFEKEEP_ALERT_SIGN_IN_FAILURES": 20,
    # ...of this many minutes.
    "SAFEKEEP_ALERT_SIGN_IN_WINDOW_MINUTES": 60,
    # How many days back the dashboard looks for the per-day and per-access rules.
    "SAFEKEEP_ALERT_LOOKBACK_DAYS": 7,
}


def setting(name: str) -> int:
    value = getattr(settings, name, None)
    if value is not None:
        return int(value)
    return env_int(name, DEFAULTS[name])


BACKGROUND = "background"
SYNC = "sync"
EXTERNAL = "external"
MODES = (BACKGROUND, SYNC, EXTERNAL)


def sequencer_mode() -> str:
    """How committed entries get chained (safekeep.audit.sequencer explains each mode).

    `SAFEKEEP_AUDIT_SEQUENCER` (setting, then environment) decides; the older
    `SAFEKEEP_AUDIT_CHAIN_ON_COMMIT=false` means `external`. Otherwise: `sync` on a test
    database (deterministic tests, no thread), `background` everywhere else.
    """
    value = getattr(settings, "SAFEKEEP_AUDIT_SEQUENCER", None) or os.environ.get(
        "SAFEKEEP_AUDIT_SEQUENCER"
    )
    if value:
        if value not in MODES:
            raise ImproperlyConfigured(
                f"SAFEKEEP_AUDIT_SEQUENCER must be one of {', '.join(MODES)}, not {value!r}."
            )
        return str(value)
    legacy = getattr(settings, "SAFEKEEP_AUDIT_CHAIN_ON_COMMIT", None)
    if legacy is None:
        legacy = env_bool("SAFEKEEP_AUDIT_CHAIN_ON_COMMIT", True)
    if not legacy:
        return EXTERNAL
    from safekeep.audit.maintenance import is_test_database

    return SYNC if is_test_database(connection) else BACKGROUND


def sequencer_delay() -> float:
    """Seconds the background sequencer waits after a commit to gather a batch (<= 0.1)."""
    value = getattr(settings, "SAFEKEEP_AUDIT_SEQUENCER_DELAY_MS", None)
    millis = int(value) if value is not None else env_int("SAFEKEEP_AUDIT_SEQUENCER_DELAY_MS", 50)
    return min(max(millis, 0), 100) / 1000


def checkpoint_interval_minutes() -> int:
    """How often the sequencer signs a checkpoint on its own (0: only `audit checkpoint`)."""
    value = getattr(settings, "SAFEKEEP_AUDIT_CHECKPOINT_MINUTES", None)
    if value is not None:
        return max(int(value), 0)
    return max(env_int("SAFEKEEP_AUDIT_CHECKPOINT_MINUTES", 60), 0)
