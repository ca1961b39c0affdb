"""The canonical encoding of an audit entry, and its hash. docs/audit.md specifies it.

Another tool must be able to re-check the chain, so the encoding is plain: a JSON object
with sorted keys, no spaces, UTF-8, no ASCII escaping (for these value types this is
exactly RFC 8785, the JSON Canonicalization Scheme). Changing it needs a new `v`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence

ENCODING_VERSION = 1
GENESIS_HASH = "0" * 64  # the "previous hash" of entry 1


def format_time(moment: dt.datetime) -> str:
    """UTC, microseconds, 'Z': the one spelling of an entry's time."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_bytes(
    *,
    sequence: int,
    previous_hash: str,
    occurred_at: dt.datetime,
    actor_staff_id: str,
    actor_username: str,
    device: str,
    request_id: str,
    source_address: str,
    action: str,
    object_type: str,
    object_id: str,
    subject_id: str,
    decision: str,
    reasons: Sequence[str],
    obligations: Sequence[str],
) -> bytes:
    """The bytes that are hashed: every field of the entry plus its place in the chain."""
    document = {
        "v": ENCODING_VERSION,
        "seq": sequence,
        "prev": previous_hash,
        "time": format_time(occurred_at),
        "actor_staff_id": actor_staff_id,
        "actor_username": actor_username,
        "device": device,
        "request_id": request_id,
        "source_address": source_address,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "subject_id": subject_id,
        "decision": decision,
        "reasons": list(reasons),
        "obligations": list(obligations),
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def entry_hash(**fields: object) -> str:
    """SHA-256 of the canonical encoding, as 64 lowercase hex digits."""
    return hashlib.sha256(entry_bytes(**fields)).hexdigest()  # type: ignore[arg-type]
