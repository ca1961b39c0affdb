"""A big import does not stop case reads (issue 18): the file is checked and every write
worked out before the import's transaction, so the write lock that each audited read needs
for a moment (SQLite) is held only while the database writes; reads wait briefly and
succeed, never "database is locked".

The bounded version of bench/soak/import_lock.py (`make soak` runs it at 200,000 rows): the
real server, on a file database (SQLite's in-memory test database shares one cache between
connections, where a lock fails at once instead of waiting) or on a PostgreSQL database of
its own when the suite runs there; a staff file of new people, the same people changed, and
a devices file, each while two readers make audited case reads. About 40 s.
"""

from __future__ import annotations

import io
import os

from tests.operations.soak import load

import_lock = load("import_lock")
ROWS = 4000


def test_case_reads_carry_on_while_big_imports_write() -> None:
    url = os.environ.get("DATABASE_URL", "")
    printed = io.StringIO()
    result = import_lock.run(
        rows=ROWS,
        postgres=url.startswith("postgres"),
        postgres_url=url or import_lock.PG_OWNER_URL,
        out=printed,
    )
    assert [i["file"] for i in result["imports"]] == ["staff", "staff-update", "devices"]
    for figures in result["imports"]:
        assert figures["read_errors"] == 0, (figures, printed.getvalue())
        assert figures["reads_meanwhile"] >= 5, ("the import was over before the reads began",)
    staff, changed, devices = (i["summary"] for i in result["imports"])
    assert f"{ROWS} created" in staff, staff
    assert f"{ROWS} updated" in changed, changed
    assert f"{ROWS} created" in devices, devices
