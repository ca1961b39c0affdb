"""Working days at a council site: Monday to Friday, but not an England and Wales bank
holiday (the `holidays` package's calendar, which follows the proclamations)."""

from __future__ import annotations

import datetime as dt
from functools import cache


@cache
def _bank_holidays(year: int) -> frozenset[dt.date]:
    import holidays  # here, not at the top: half a second to import, needed only here

    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The `count`th working day after `day` (`day` itself is not counted)."""
    current = day
    remaining = count
    while remaining > 0:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def previous_working_day(day: dt.date) -> dt.date:
    current = day - dt.timedelta(days=1)
    while not is_working_day(current):
        current -= dt.timedelta(days=1)
    return current
