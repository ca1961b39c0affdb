"""When reviews fall due: pure date rules, no Django (a property test checks them).

A team member's access is reviewed once a calendar quarter, by the quarter's last day.
A restricted person's restriction is reviewed every 90 days; its review opens 14 days
before it is due, so information governance has a fortnight's notice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

RESTRICTED_EVERY: Final = dt.timedelta(days=90)
RESTRICTED_NOTICE: Final = dt.timedelta(days=14)


@dataclass(frozen=True, slots=True, order=True)
class Quarter:
    year: int
    number: int  # 1..4: January to March is 1

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> dt.date:
        if self.number == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.number + 1, 1) - dt.timedelta(days=1)

    @property
    def key(self) -> str:
        """What a review is kept under: "2026-Q4"."""
        return f"{self.year}-Q{self.number}"

    @property
    def words(self) -> str:
        first, last = self.first_day, self.last_day
        return f"{first:%B} to {last:%B} {self.year}"


def quarter_of(day: dt.date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def restricted_due_on(last_reviewed: dt.date | None, today: dt.date) -> dt.date:
    """The day the next review of a restriction is due: 90 days after the last review; one
    never reviewed is due a fortnight from the day it is first seen (so it opens at once)."""
    if last_reviewed is None:
        return today + RESTRICTED_NOTICE
    return last_reviewed + RESTRICTED_EVERY


def restricted_review_opens(due_on: dt.date, today: dt.date) -> bool:
    """Whether a restriction due on `due_on` is reviewed now (from 14 days before)."""
    return today >= due_on - RESTRICTED_NOTICE


def is_overdue(due_on: dt.date, today: dt.date) -> bool:
    """A review not decided by the end of its due day is overdue."""
    return today > due_on
