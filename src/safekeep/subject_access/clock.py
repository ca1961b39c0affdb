"""The UK GDPR clock (Article 12(3)): one calendar month from receipt, or from the day the
person's identity was confirmed, extendable by up to two further months. Pure Python."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

MAX_EXTENSION_MONTHS = 2
DUE_SOON_DAYS = 7


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; a day the month lacks becomes its last day
    (31 January + 1 month = 28 or 29 February), as the ICO counts it."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class Clock:
    starts_on: dt.date
    due_on: dt.date
    days_left: int  # negative once overdue

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def due_soon(self) -> bool:
        return 0 <= self.days_left <= DUE_SOON_DAYS


def clock(
    *,
    received_on: dt.date,
    identity_confirmed_on: dt.date | None,
    extension_months: int,
    today: dt.date,
) -> Clock:
    starts = identity_confirmed_on or received_on
    due = add_months(starts, 1 + extension_months)
    return Clock(starts_on=starts, due_on=due, days_left=(due - today).days)
