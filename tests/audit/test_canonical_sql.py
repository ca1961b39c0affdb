"""The database builds exactly the bytes `canonical.entry_bytes` builds, for awkward values."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection

from safekeep.audit import canonical
from safekeep.audit.chain import chain_pending
from safekeep.audit.models import ChainLink
from safekeep.audit.verify import verify_log
from safekeep.audit.writing import Origin, audit_event
from tests.audit.conftest import drop_triggers, execute, stored_entry_bytes

pytestmark = pytest.mark.django_db

AWKWARD = [
    "",
    'a "quoted" word',
    "back\\slash",
    "new\nline\ttab\rreturn\x08\x0c",
    "\x01\x1f control",
    "\x7f delete",
    "Zoë Ångström 😀",
    "\u2028 line separator",
    "comma, and ] bracket [",
]


def sql_rows() -> list[tuple[int, str, str, str | None]]:
    with connection.cursor() as cursor:
        cursor.execute(canonical.sql_select(connection.vendor))
        return list(cursor.fetchall())


def test_the_database_encoding_equals_the_python_encoding() -> None:
    for number, text in enumerate(AWKWARD):
        audit_event(
            origin=Origin(actor_staff_id=text[:40], actor_username=text, device=text[:60]),
            action="case.view",
            decision="allowed",
            object_id=text[:80],
            subject_id=text[:40],
            reasons=[text, text] if number % 2 else [text],
            obligations=[] if number % 3 else ["audit", text],
        )
    chain_pending()
    rows = sql_rows()
    assert len(rows) == len(AWKWARD)
    for sequence, previous, stored, document in rows:
        link = ChainLink.objects.select_related("entry").get(sequence=sequence)
        expected = stored_entry_bytes(link.entry, sequence, previous)
        assert document is not None and document.encode() == expected
        assert hashlib.sha256(expected).hexdigest() == stored
    assert verify_log().ok


def test_a_time_with_no_fraction_of_a_second_is_spelled_with_six_zeros() -> None:
    entry = audit_event(origin=Origin(), action="case.view", decision="allowed")
    chain_pending()
    drop_triggers()
    execute(
        "UPDATE audit_auditentry SET occurred_at = %s WHERE id = %s",
        [
            connection.ops.adapt_datetimefield_value(entry.occurred_at.replace(microsecond=0)),
            entry.pk,
        ],
    )
    entry.refresh_from_db()
    (row,) = sql_rows()
    assert entry.occurred_at.microsecond == 0
    assert canonical.format_time(entry.occurred_at).endswith(".000000Z")
    document = row[3]
    assert document is not None and document.encode() == stored_entry_bytes(entry, 1, row[1])


@pytest.mark.parametrize("stored", ['["1", 2]', '{"a": "b"}', '"audit"'])
def test_a_list_changed_to_another_json_shape_fails_its_hash(stored: str) -> None:
    audit_event(origin=Origin(), action="case.view", decision="allowed", obligations=["1", "2"])
    chain_pending()
    drop_triggers()
    execute("UPDATE audit_auditentry SET obligations = %s", [stored])
    report = verify_log()
    assert report.problems == [(1, "Entry 1 has been changed: its contents do not match its hash.")]
