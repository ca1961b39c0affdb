"""Bulk writes worked out before the write lock is taken, so that holding it costs only the
writing (issue 18: a 200,000-row import must not stop case reads for minutes).

`insert` and `update` turn model instances into one SQL statement and its rows of values,
already converted for the database; `Statement.run` sends them with `executemany`. All the
Python work (model fields, conversions, Django's query compiler) happens when the statement
is built, outside any transaction; inside it only the database works.

Two kinds of value are filled in when the statement runs, not when it is built:

- `Pending(name)`: a row the same write creates first (a new team from `--create-missing`);
  `Statement.resolve` swaps in its real id once it exists.
- a foreign key named in `insert`'s `lookups`: the instance carries another unique field
  of the row it points at (a `staff_id`), and the statement finds the id itself,
  `(SELECT id FROM … WHERE staff_id = %s)`: for rows created earlier in the same write.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models

from safekeep.core.csv_import import Progress

# Rows per executemany call: progress is reported after each.
CHUNK = 5000


@dataclass(frozen=True, slots=True)
class Pending:
    """The id of a row that the write itself creates before this statement runs."""

    name: str


@dataclass(slots=True)
class Statement:
    sql: str
    rows: list[list[Any]]
    # Columns (by position) holding a Pending somewhere: only these are looked at by resolve.
    pending_columns: set[int] = field(default_factory=set)

    def resolve(self, ids: Mapping[Pending, Any]) -> None:
        """Swap every Pending for its id (created now, under the lock)."""
        for row in self.rows:
            for column in self.pending_columns:
                value = row[column]
                if isinstance(value, Pending):
                    row[column] = ids[value]

    def run(self, progress: Progress | None = None) -> None:
        if not self.rows:
            return
        with connection.cursor() as cursor:
            for start in range(0, len(self.rows), CHUNK):
                chunk = self.rows[start : start + CHUNK]
                cursor.executemany(self.sql, chunk)
                if progress is not None:
                    progress(len(chunk))


def quote(name: str | None) -> str:
    return connection.ops.quote_name(str(name))


def _pk(model: type[models.Model]) -> str:
    return quote(model._meta.pk.column if model._meta.pk else "id")


def _value(model_field: models.Field[Any, Any], value: Any) -> Any:
    if isinstance(value, Pending) or value is None:
        return value
    return model_field.get_db_prep_save(value, connection)


def _fields(model: type[models.Model], names: Iterable[str]) -> list[models.Field[Any, Any]]:
    return [model._meta.get_field(name) for name in names]  # type: ignore[misc]


def insert(
    model: type[models.Model],
    objects: Sequence[models.Model],
    *,
    lookups: Mapping[str, tuple[type[models.Model], str]] | None = None,
) -> Statement:
    """INSERT every concrete field but the id (auto_now and auto_now_add set as save would).

    `lookups` names foreign keys given by another unique field instead of an id: for
    `{"staff": (StaffMember, "staff_id")}` the instances carry the staff_id string in
    `staff_id`, and the statement finds the row."""
    lookups = lookups or {}
    concrete = [f for f in model._meta.concrete_fields if not f.primary_key]
    placeholders = []
    for model_field in concrete:
        if model_field.name in lookups:
            other, key = lookups[model_field.name]
            placeholders.append(
                f"(SELECT {_pk(other)} FROM {quote(other._meta.db_table)} "  # noqa: S608  # nosec B608 # model names only
                f"WHERE {quote(getattr(other._meta.get_field(key), 'column', key))} = %s)"
            )
        else:
            placeholders.append("%s")
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608  # nosec B608 # model names only
        f"({', '.join(quote(f.column) for f in concrete)}) VALUES ({', '.join(placeholders)})"
    )
    statement = Statement(sql, [])
    for instance in objects:
        row = []
        for position, model_field in enumerate(concrete):
            if model_field.name in lookups:
                row.append(getattr(instance, model_field.attname))
                continue
            value = model_field.pre_save(instance, add=True)
            if isinstance(value, Pending):
                statement.pending_columns.add(position)
            row.append(_value(model_field, value))
        statement.rows.append(row)
    return statement


def update(
    model: type[models.Model], objects: Sequence[models.Model], names: Sequence[str]
) -> Statement:
    """UPDATE the named fields of each instance, by id (as bulk_update, but built now)."""
    chosen = _fields(model, names)
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in chosen)
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608  # nosec B608 # model names only
        f"WHERE {_pk(model)} = %s"
    )
    statement = Statement(sql, [])
    for instance in objects:
        row = []
        for position, model_field in enumerate(chosen):
            value = getattr(instance, model_field.attname)
            if isinstance(value, Pending):
                statement.pending_columns.add(position)
            row.append(_value(model_field, value))
        row.append(instance.pk)
        statement.rows.append(row)
    return statement
