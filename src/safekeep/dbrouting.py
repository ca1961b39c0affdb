"""Which database a read goes to: the primary, except the reports and lists that opt in here.

With DATABASE_REPLICA_URL set (a PostgreSQL streaming replica, docs/operations.md), the
reads that only count and show what has already happened to someone already let in, the
IG audit reports, the dashboard's per-day decision chart and the audit chain's headline
figures, go to the replica. Decisions never do (the access decision, "may this account
act now?", API token and device lookups): a replica lags behind the primary, and a
revocation must end access at once. So nothing goes to the replica by default; a selector
opts in with `for_reports(queryset)`, and the import-linter contract "Decisions read the
primary" keeps this module out of access, accounts, devices and api.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model, QuerySet

REPLICA = "replica"
M = TypeVar("M", bound=Model)


def reports_database() -> str:
    """The alias reports read: the replica when one is configured, else the primary."""
    return REPLICA if REPLICA in settings.DATABASES else DEFAULT_DB_ALIAS


def for_reports(queryset: QuerySet[M]) -> QuerySet[M]:
    """`queryset` read from the reports database (bound to it, so it holds when evaluated later)."""
    return queryset.using(reports_database())


class PrimaryRouter:
    """Writes and migrations go to the primary always, even for a row a report read from the
    replica (Django would otherwise save it back where it came from, a read-only standby)."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        return None  # the primary, or where the instance in the hints was read

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
