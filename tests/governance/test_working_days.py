"""The FOI clock against known dates (issue 15): a working day is any day but a weekend,
Christmas Day, Good Friday or a bank holiday in any part of the United Kingdom (s10(6))."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from safekeep.governance.working_days import (
    Pause,
    add_working_days,
    due_date,
    is_working_day,
    review_request_by,
    working_days_between,
)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_the_seed_request_was_due_on_10_march_and_its_review_window_ends_on_23_april():
    assert due_date(d("2020-02-11")) == d("2020-03-10")
    # St Patrick's Day (NI), Good Friday and Easter Monday (not in Scotland) all skipped
    assert review_request_by(d("2020-02-24")) == d("2020-04-23")


@pytest.mark.parametrize(
    ("day", "why"),
    [
        ("2020-01-01", "New Year's Day"),
        ("2020-01-02", "2 January, Scotland only"),
        ("2020-04-10", "Good Friday"),
        ("2020-04-13", "Easter Monday, not Scotland"),
        ("2020-03-17", "St Patrick's Day, Northern Ireland"),
        ("2021-07-12", "Battle of the Boyne, Northern Ireland"),
        ("2020-07-13", "12 July 2020 was a Sunday: its substitute Monday"),
        ("2020-11-30", "St Andrew's Day, Scotland"),
        ("2019-12-02", "St Andrew's Day 2019 was a Saturday: its substitute Monday"),
        ("2020-08-03", "the first Monday of August, Scotland"),
        ("2020-08-31", "the last Monday of August, England, Wales and Northern Ireland"),
        ("2020-12-25", "Christmas Day"),
        ("2020-12-28", "Boxing Day 2020 was a Saturday: its substitute"),
        ("2021-12-27", "Christmas Day 2021 was a Saturday: its substitute"),
        ("2021-12-28", "Boxing Day 2021 was a Sunday: its substitute"),
        ("2022-01-03", "New Year's Day 2022 was a Saturday: its substitute"),
        ("2022-01-04", "2 January 2022 was a Sunday: Scotland's substitute"),
        ("2022-06-03", "the Platinum Jubilee, a one-off day"),
        ("2022-09-19", "the Queen's funeral, a one-off day"),
        ("2023-05-08", "the Coronation, a one-off day"),
        ("2020-02-15", "a Saturday"),
        ("2020-02-16", "a Sunday"),
    ],
)
def test_days_that_are_not_working_days(day: str, why: str) -> None:
    assert not is_working_day(d(day)), why


@pytest.mark.parametrize("day", ["2020-02-11", "2020-03-16", "2020-08-24", "2020-12-24"])
def test_ordinary_weekdays_are_working_days(day: str) -> None:
    assert is_working_day(d(day))


def test_the_year_boundary_counts_every_part_of_the_uk_together():
    # 23, 24, 27, 30, 31 Dec; 3 Jan (the 2nd is Scotland's); 6-10, 13-17, 20-23 Jan
    assert due_date(d("2019-12-20")) == d("2020-01-23")


def test_a_request_received_on_a_saturday_runs_from_the_next_working_day():
    assert due_date(d("2020-02-15")) == d("2020-03-13")
    assert due_date(d("2020-02-15")) == due_date(d("2020-02-14"))
    assert due_date(d("2020-02-17")) == d("2020-03-16")


def test_a_fee_pause_disregards_the_days_from_the_notice_to_the_payment():
    fee = Pause("fee", started_on=d("2020-02-18"), answered_on=d("2020-02-20"))
    assert due_date(d("2020-02-11"), [fee]) == d("2020-03-13")  # three days later


def test_a_clarification_restarts_the_clock_from_the_answer():
    asked = Pause("clarification", started_on=d("2020-02-13"), answered_on=d("2020-02-17"))
    assert due_date(d("2020-02-11"), [asked]) == d("2020-03-16")


def test_no_due_date_while_the_clock_waits_for_the_requester():
    waiting = Pause("fee", started_on=d("2020-02-18"))
    assert due_date(d("2020-02-11"), [waiting]) is None


def test_counting_needs_at_least_one_day():
    with pytest.raises(ValueError, match="at least 1"):
        add_working_days(d("2020-02-11"), 0)


@settings(deadline=None)  # the first day of each year computes its holidays
@given(st.dates(min_value=d("2000-01-01"), max_value=d("2060-12-31")))
def test_the_due_date_is_the_twentieth_working_day(received: dt.date) -> None:
    due = due_date(received)
    assert due is not None and is_working_day(due)
    assert working_days_between(received, due) == 20
    by = review_request_by(due)
    assert is_working_day(by) and working_days_between(due, by) == 40


def _deadline(*args: str) -> str:
    out = StringIO()
    call_command("foi", "deadline", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_the_json_of_design_md():
    text = _deadline("--received", "2020-02-11", "--responded", "2020-02-24", "--json")
    assert json.loads(text) == {
        "received": "2020-02-11",
        "due": "2020-03-10",
        "responded": "2020-02-24",
        "review_request_by": "2020-04-23",
    }
    assert list(json.loads(text)) == ["received", "due", "responded", "review_request_by"]
    assert json.loads(_deadline("--received", "2020-02-11", "--json")) == {
        "received": "2020-02-11",
        "due": "2020-03-10",
    }


def test_the_command_in_words():
    text = _deadline("--received", "2020-02-11", "--responded", "2020-02-24")
    assert "Response due by:   Tuesday 10 March 2020" in text
    assert "Review asked by:   Thursday 23 April 2020" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--received", "2020-02-30"], "--received '2020-02-30' is not a real date"),
        (
            ["--received", "2020-02-11", "--responded", "2020-02-10"],
            "--responded 2020-02-10 is before --received 2020-02-11",
        ),
    ],
)
def test_the_command_names_the_bad_option(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        _deadline(*args)
