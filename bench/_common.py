"""What the benchmarks share: where the repository is, PostgreSQL administration, Django set-up.

Not a benchmark itself: bench/run.py skips modules whose name starts with `_`. The
benchmarks run as scripts (`python bench/NAME.py`), so this is imported as `_common`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Where each benchmark creates (and drops) its own database when PostgreSQL is reachable.
PG_ADMIN_URL = os.environ.get(
    "SAFEKEEP_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
# A worker subprocess imports Safekeep from src/ and the test factories from tests/.
WORKER_PYTHONPATH = os.pathsep.join((str(ROOT / "src"), str(ROOT)))


def pg_admin(sql: str) -> bool:
    """Run one administrative statement (CREATE or DROP DATABASE) on PG_ADMIN_URL; False,
    with the reason on stderr, when PostgreSQL is not there."""
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
            conn.execute(sql)
        return True
    except Exception as exc:
        print(f"bench: PostgreSQL unavailable ({exc})", file=sys.stderr)
        return False


def setup_django(data_dir: str) -> None:
    """Configure Django in this worker process with its own data directory, and migrate."""
    import django

    os.environ["SAFEKEEP_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safekeep.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
