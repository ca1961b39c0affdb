"""The disposal ledger: every disposal, kept with the keys outside the database.

A backup is a copy of the database, so a backup made before a disposal still holds the
case and its wrapped data key. The ledger is what stops such a backup bringing the case
back: `safekeep restore` reads it and disposes again of every case it names (see
`services.disposals_reapply`). It lives in the key directory, `<DATA_DIR>/keys/disposals.jsonl`,
which is backed up with the keys (key custody), never with the database. One JSON object a
line, owner-only (0600), appended under a lock and flushed to disk before the disposal
commits. It holds what the tombstone holds: ids, type, dates, who approved and why.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings

LEDGER_FILE = "disposals.jsonl"


def ledger_path() -> Path:
    configured = getattr(settings, "SAFEKEEP_DISPOSAL_LEDGER", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "keys" / LEDGER_FILE


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[int]:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def ledger_append(record: dict[str, Any]) -> None:
    """Add one disposal and flush it to disk (before the disposal's transaction commits)."""
    line = (json.dumps(record, sort_keys=True) + "\n").encode()
    with _locked(ledger_path()) as fd:
        os.write(fd, line)
        os.fsync(fd)


def ledger_read() -> list[dict[str, Any]]:
    """Every disposal recorded, oldest first (empty when there has been none)."""
    path = ledger_path()
    if not path.exists():
        return []
    with _locked(path):
        text = path.read_text()
    return [json.loads(line) for line in text.splitlines() if line.strip()]
