"""Working days: Monday to Friday, but not a bank holiday of the parts of the United Kingdom
a calendar names (the `holidays` package, which follows the proclamations, one-off days
included, and computes any year offline).

One calendar per rule: a council site's (England and Wales) and the Freedom of Information
Act's (every part of the UK, and Christmas Day and Good Friday whatever the weekday). Pure
Python (an import-linter contract keeps Django out), so both count days the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import islice, takewhile

from dateutil.easter import easter


@cache
def _days_off(
    parts: tuple[str, ...], christmas_and_good_friday: bool, year: int
) -> frozenset[dt.date]:
    import holidays  # here, not at the top: half a second to import, needed only here

    days: set[dt.date] = set()
    for part in parts:
        days.update(holidays.country_holidays("GB", subdiv=part, years=year))
    if christmas_and_good_friday:
        days |= {dt.date(year, 12, 25), easter(year) - dt.timedelta(days=2)}
    return frozenset(days)


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """`parts`: the UK subdivisions whose bank holidays are not working days;
    `christmas_and_good_friday`: those two days are never working days, even when no bank
    holiday falls on them (the FOI Act's s10(6) names them itself)."""

    parts: tuple[str, ...]
    christmas_and_good_friday: bool = False

    def is_working_day(self, day: dt.date) -> bool:
        days_off = _days_off(self.parts, self.christmas_and_good_friday, day.year)
        return day.weekday() < 5 and day not in days_off

    def working_days_after(self, day: dt.date) -> Iterator[dt.date]:
        while True:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                yield day

    def add_working_days(self, start: dt.date, count: int) -> dt.date:
        """The `count`th working day after `start` (the day itself never counts)."""
        if count < 1:
            raise ValueError("count must be at least 1")
        return next(islice(self.working_days_after(start), count - 1, None))

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """How many working days after `start`, up to and including `end` (0 if end <= start)."""
        return sum(1 for _ in takewhile(lambda day: day <= end, self.working_days_after(start)))

    def previous_working_day(self, day: dt.date) -> dt.date:
        day -= dt.timedelta(days=1)
        while not self.is_working_day(day):
            day -= dt.timedelta(days=1)
        return day
