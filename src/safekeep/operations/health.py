"""Is this instance fit to serve? What `/readyz` asks for the load balancer.

Each check is cheap (one query each) and answers in a word; the reasons go to the log,
never to the unauthenticated caller. The key check unwraps keys, so its answer is kept for
`KEY_CHECK_SECONDS`; the others are fresh on every call.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from safekeep.audit.models import PendingEntry
from safekeep.crypto.keys import key_problems

logger = logging.getLogger(__name__)

KEY_CHECK_SECONDS = 30.0

_keys_checked: tuple[float, list[str]] | None = None


@dataclass(frozen=True, slots=True)
class Readiness:
    ready: bool
    failing: tuple[str, ...]  # "database", "keys", "audit-sequencer"


def _database_problem() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return f"the database cannot be reached: {exc}"
    return ""


def _key_problem() -> str:
    global _keys_checked
    now = time.monotonic()
    if _keys_checked is None or now - _keys_checked[0] > KEY_CHECK_SECONDS:
        _keys_checked = (now, key_problems())
    return "; ".join(_keys_checked[1])


def _sequencer_problem(now: dt.datetime) -> str:
    """The oldest committed entry still waiting to be chained, if older than the limit."""
    oldest = (
        PendingEntry.objects.order_by("entry_id")
        .values_list("entry__occurred_at", flat=True)
        .first()
    )
    limit = dt.timedelta(seconds=settings.SAFEKEEP_READY_AUDIT_LAG_SECONDS)
    if oldest is not None and now - oldest > limit:
        return f"the audit sequencer is {(now - oldest).total_seconds():.0f} s behind"
    return ""


def readiness() -> Readiness:
    """The database first: with it down, the other checks cannot run."""
    database = _database_problem()
    if database:
        logger.warning("not ready: %s", database)
        return Readiness(ready=False, failing=("database",))
    problems = {"keys": _key_problem(), "audit-sequencer": _sequencer_problem(timezone.now())}
    failing = tuple(name for name, problem in problems.items() if problem)
    for name in failing:
        logger.warning("not ready: %s", problems[name])
    return Readiness(ready=not failing, failing=failing)


def forget_key_check() -> None:
    """Tests and key rotation: the next readiness call checks the keys again."""
    global _keys_checked
    _keys_checked = None
