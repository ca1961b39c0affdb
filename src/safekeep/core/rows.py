"""Model instances from hand-written SELECTs, for the few reads every request makes.

Compiling an ORM queryset with joins costs more than running it (about 2 ms against 0.3 ms
for the token, the device credential and the case of an API read), so those reads are
written once as SQL (`access.facts` does the same for the decision's facts). `Columns`
names a model's columns under a table alias and turns the matching slice of a result row
back into an instance, with the same database converters the ORM applies.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db import connection
from django.db.models import Model

M = TypeVar("M", bound=Model)


def table(model: type[Model]) -> str:
    """The model's table name, quoted for this database."""
    return connection.ops.quote_name(model._meta.db_table)


class Columns(Generic[M]):
    """Every concrete column of `model` as `alias.column`, and back again from a row."""

    def __init__(self, model: type[M], alias: str) -> None:
        self.model = model
        fields = list(model._meta.concrete_fields)
        self.names = [f.attname for f in fields]
        self.sql = ", ".join(f"{alias}.{connection.ops.quote_name(str(f.column))}" for f in fields)
        self.width = len(fields)
        self._converters: list[tuple[int, Any, list[Callable[..., Any]]]] = []
        for n, field in enumerate(fields):
            col = field.get_col(alias)
            found = [*connection.ops.get_db_converters(col), *field.get_db_converters(connection)]
            if found:
                self._converters.append((n, col, found))

    def build(self, row: Sequence[Any], start: int = 0) -> M:
        """The instance from `row[start:start + width]`, as the ORM would have built it."""
        values = list(row[start : start + self.width])
        for n, col, converters in self._converters:
            for convert in converters:
                values[n] = convert(values[n], col, connection)
        return self.model.from_db(connection.alias, self.names, values)
