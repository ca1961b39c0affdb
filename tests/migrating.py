"""For migration tests: take the database to an app's earlier migration, write rows with the
models of then, and bring it forward again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

Targets = list[tuple[str, str]]


def migrate(targets: Targets) -> Any:
    """Migrate to `targets`; the historical models there (an `apps` registry)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest() -> Targets:
    """Every app's newest migration: where the tests after a migration test expect to be."""
    executor = MigrationExecutor(connection)
    return list(executor.loader.graph.leaf_nodes())


@contextmanager
def models_at(before: Targets, *, then: Targets) -> Iterator[Any]:
    """The models as they were at `before`; afterwards the database is at `then` and then at
    every app's newest migration, even when the test fails, so the tests after it find
    today's tables (going back in one app can take back the migrations of apps that depend
    on it, as governance's do on devices')."""
    try:
        yield migrate(before)
    finally:
        migrate(then)
        migrate(latest())


def old_staff_member(apps: Any, staff_id: str) -> Any:
    """A member of staff in team T (directorate D), written with the historical models."""
    directorate, _ = apps.get_model("organisation", "Directorate").objects.get_or_create(name="D")
    team, _ = apps.get_model("organisation", "Team").objects.get_or_create(
        name="T", directorate=directorate
    )
    return apps.get_model("organisation", "StaffMember").objects.create(
        staff_id=staff_id,
        given_name="A",
        family_name=staff_id,
        email=f"{staff_id.lower()}@example.org",
        directorate=directorate,
        team=team,
        employment_type="employee",
        works_with_vulnerable_people=True,
        work_pattern="office",
        start_date=dt.date(2020, 1, 1),
    )


def old_case(apps: Any, staff: Any) -> Any:
    """Case C1 of child P1, owned by `staff`'s team, written with the historical models."""
    subject = apps.get_model("records", "Subject").objects.create(subject_id="P1", kind="child")
    return apps.get_model("records", "Case").objects.create(
        case_id="C1",
        subject=subject,
        owning_team=staff.team,
        classification="OFFICIAL",
        opened_on=dt.date(2025, 1, 1),
    )
