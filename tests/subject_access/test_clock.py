"""The one-calendar-month clock, at month ends and with extensions."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safekeep.subject_access.clock import add_months, clock

D = dt.date


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 1, 30), 1, D(2025, 2, 28)),
        (D(2025, 3, 31), 1, D(2025, 4, 30)),
        (D(2025, 1, 31), 3, D(2025, 4, 30)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
        (D(2025, 11, 30), 3, D(2026, 2, 28)),
        (D(2025, 2, 28), 1, D(2025, 3, 28)),
    ],
)
def test_one_calendar_month_ends_on_the_same_day_or_the_months_last(
    start: dt.date, months: int, due: dt.date
) -> None:
    assert add_months(start, months) == due


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 1, 1)), st.integers(0, 3))
def test_the_due_day_is_in_the_right_month_and_never_after_the_same_day(
    start: dt.date, months: int
) -> None:
    due = add_months(start, months)
    assert (due.year * 12 + due.month) - (start.year * 12 + start.month) == months
    assert due.day <= start.day


def test_the_clock_starts_from_identity_confirmed_and_extends_by_months() -> None:
    plain = clock(
        received_on=D(2025, 1, 31),
        identity_confirmed_on=None,
        extension_months=0,
        today=D(2025, 2, 25),
    )
    assert (plain.due_on, plain.days_left, plain.due_soon, plain.overdue) == (
        D(2025, 2, 28),
        3,
        True,
        False,
    )
    confirmed = clock(
        received_on=D(2025, 1, 31),
        identity_confirmed_on=D(2025, 2, 10),
        extension_months=2,
        today=D(2025, 6, 1),
    )
    assert confirmed.due_on == D(2025, 5, 10)
    assert confirmed.overdue and not confirmed.due_soon
