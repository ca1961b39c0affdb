"""The audit app's settings (sequencer and checkpoints): Django settings, then the environment."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from safekeep.config import env_bool, env_int

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


def verify_workers() -> int:
    """How many processes `verify` walks a large PostgreSQL log with (1: one walk)."""
    value = getattr(settings, "SAFEKEEP_AUDIT_VERIFY_WORKERS", None)
    if value is None:
        value = env_int("SAFEKEEP_AUDIT_VERIFY_WORKERS", os.cpu_count() or 1)
    return max(int(value), 1)


def verify_parallel_min() -> int:
    """The smallest log `verify` splits between processes (smaller: starting them costs more)."""
    value = getattr(settings, "SAFEKEEP_AUDIT_VERIFY_PARALLEL_MIN", None)
    if value is None:
        value = env_int("SAFEKEEP_AUDIT_VERIFY_PARALLEL_MIN", 100_000)
    return max(int(value), 0)


def checkpoint_interval_minutes() -> int:
    """How often the sequencer signs a checkpoint on its own (0: only `audit checkpoint`)."""
    value = getattr(settings, "SAFEKEEP_AUDIT_CHECKPOINT_MINUTES", None)
    if value is not None:
        return max(int(value), 0)
    return max(env_int("SAFEKEEP_AUDIT_CHECKPOINT_MINUTES", 60), 0)


def checkpoint_grace_minutes() -> int:
    """How much later than the interval a checkpoint may come before `verify` calls it overdue."""
    value = getattr(settings, "SAFEKEEP_AUDIT_CHECKPOINT_GRACE_MINUTES", None)
    if value is not None:
        return max(int(value), 0)
    return max(env_int("SAFEKEEP_AUDIT_CHECKPOINT_GRACE_MINUTES", 15), 0)


DEFAULT_ORIGIN = "safekeep.invalid/audit"


def origin() -> str:
    """The log's name: the checkpoint's first line and the signing key's name (C2SP).

    It names this log for good: checkpoints signed under another origin do not verify.
    """
    value = getattr(settings, "SAFEKEEP_AUDIT_ORIGIN", None) or os.environ.get(
        "SAFEKEEP_AUDIT_ORIGIN", DEFAULT_ORIGIN
    )
    value = str(value).strip()
    if not value or any(c.isspace() or c == "+" for c in value):
        raise ImproperlyConfigured(
            f"SAFEKEEP_AUDIT_ORIGIN must be a name without spaces or '+', e.g. "
            f"{DEFAULT_ORIGIN}, not {value!r}."
        )
    return value


def witness_setting() -> str | None:
    """`SAFEKEEP_AUDIT_WITNESS` as given, or None when unset (safekeep.audit.witness reads it)."""
    value = getattr(settings, "SAFEKEEP_AUDIT_WITNESS", None)
    if value is None:
        value = os.environ.get("SAFEKEEP_AUDIT_WITNESS")
    return None if value is None or not str(value).strip() else str(value)
