"""The canonical encoding of an audit entry, and its hash. docs/audit.md specifies it.

Another tool must be able to re-check the chain, so the encoding is plain and needs no
escaping: a version line, a line with the UTF-8 byte length of each of the 15 values, then
the values themselves, back to back:

    safekeep-audit/v2\n
    1 64 27 6 23 8 32 8 9 4 7 7 7 37 9\n
    164...27Z...

Lengths instead of JSON escaping make the same bytes cheap for the database to build in
SQL, which is what lets `verify` re-hash a million entries in a few seconds.
Changing the encoding needs a new version line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence

ENCODING_VERSION = 2
HEADER = b"safekeep-audit/v2\n"
GENESIS_HASH = "0" * 64  # the "previous hash" of entry 1

# The entry's own fields, in encoding order (after seq, prev and time).
STRING_FIELDS = (
    "actor_staff_id",
    "actor_username",
    "device",
    "request_id",
    "source_address",
    "action",
    "object_type",
    "object_id",
    "subject_id",
    "decision",
)
LIST_FIELDS = ("reasons", "obligations")


def format_time(moment: dt.datetime) -> str:
    """UTC, microseconds, 'Z': the one spelling of an entry's time."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def format_list(items: Sequence[str]) -> str:
    """A list of strings as JSON: `["a", "b"]` (", " between items, UTF-8 as itself).

    This is exactly PostgreSQL's text form of a jsonb array of strings, so the database
    can produce it without re-encoding anything.
    """
    return json.dumps(list(items), ensure_ascii=False)


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
    values = (
        ("seq", str(sequence)),
        ("prev", previous_hash),
        ("time", format_time(occurred_at)),
        ("actor_staff_id", actor_staff_id),
        ("actor_username", actor_username),
        ("device", device),
        ("request_id", request_id),
        ("source_address", source_address),
        ("action", action),
        ("object_type", object_type),
        ("object_id", object_id),
        ("subject_id", subject_id),
        ("decision", decision),
        ("reasons", format_list(reasons)),
        ("obligations", format_list(obligations)),
    )
    data = [value.encode("utf-8") for _, value in values]
    lengths = b" ".join(b"%d" % len(item) for item in data)
    return HEADER + lengths + b"\n" + b"".join(data)


def entry_hash(**fields: object) -> str:
    """SHA-256 of the canonical encoding, as 64 lowercase hex digits."""
    return hashlib.sha256(entry_bytes(**fields)).hexdigest()  # type: ignore[arg-type]


# --- the same bytes, built by the database ------------------------------------------------
#
# `verify` re-hashes every entry; building a million encodings in Python would cost more
# than hashing them, so the database builds the identical text in C and Python only hashes.
# tests/audit/test_canonical_sql.py holds both engines to `entry_bytes`, string by string.


def _pg_list(column: str) -> str:
    # jsonb's text form is `format_list` for a list of strings. Anything else (a number in
    # the list, an object) prints differently from what Python wrote, so its hash fails.
    return f"e.{column}::text"


def _sqlite_list(column: str) -> str:
    # Django's SQLite JSONField stores ASCII-escaped JSON; rebuild `format_list` from the
    # decoded items. A non-string item becomes `!`, which Python never writes.
    return (
        f"CASE WHEN json_valid(e.{column}) AND json_type(e.{column}) = 'array' THEN '[' || "  # noqa: S608  # nosec B608 # column names are ours
        f"coalesce((SELECT group_concat(CASE WHEN type = 'text' THEN json_quote(value) "
        f"ELSE '!' END, ', ') FROM (SELECT type, value FROM json_each(e.{column}) "
        f"ORDER BY key)), '') || ']' ELSE '!' END"
    )


def _sqlite_time() -> str:
    # Django stores 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC, without the fraction when 0.
    return (
        "(substr(e.occurred_at, 1, 10) || 'T' || substr(e.occurred_at, 12, 8) || '.' || "
        "substr(substr(e.occurred_at, 21) || '000000', 1, 6) || 'Z')"
    )


def sql_select(vendor: str, *, ranged: bool = False) -> str:
    """(sequence, previous hash, entry hash, canonical text or NULL if the entry row is
    missing) for every link, in sequence order, built by the database.

    `ranged`: only the links after the first parameter, up to and including the second.
    """
    if vendor == "postgresql":
        size, newline, seq = "octet_length({0})", "E'\\n'", "l.sequence::text"
        time, reasons, obligations = "x.t", "x.r", "x.o"
        stamp = "to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
        # Computed once per row; OFFSET 0 stops PostgreSQL inlining (and repeating) them.
        lateral = (
            f" LEFT JOIN LATERAL (SELECT {stamp} AS t, {_pg_list('reasons')} AS r, "
            f"{_pg_list('obligations')} AS o OFFSET 0) x ON true"
        )
    elif vendor == "sqlite":
        size, newline, seq = "length(CAST({0} AS BLOB))", "char(10)", "CAST(l.sequence AS TEXT)"
        time, reasons, obligations = (
            _sqlite_time(),
            _sqlite_list("reasons"),
            _sqlite_list("obligations"),
        )
        lateral = ""
    else:  # pragma: no cover - Safekeep runs on these two
        raise NotImplementedError(vendor)
    values = [seq, "l.previous_hash", time, *(f"e.{name}" for name in STRING_FIELDS)]
    values += [reasons, obligations]
    if vendor == "postgresql":  # one call instead of 28 concatenations
        lengths = "concat_ws(' ', " + ", ".join(size.format(value) for value in values) + ")"
    else:
        lengths = " || ' ' || ".join(size.format(value) for value in values)
    header = HEADER.decode().rstrip("\n")
    document = (
        f"CASE WHEN e.id IS NULL THEN NULL ELSE '{header}' || {newline} || {lengths} || "
        f"{newline} || {' || '.join(values)} END"
    )
    return (
        f"SELECT l.sequence, l.previous_hash, l.entry_hash, {document} AS document "  # noqa: S608  # nosec B608 # built from constants
        f"FROM audit_chainlink l LEFT JOIN audit_auditentry e ON e.id = l.entry_id{lateral} "
        f"{'WHERE l.sequence > %s AND l.sequence <= %s ' if ranged else ''}ORDER BY l.sequence"
    )
