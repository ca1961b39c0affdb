"""Schedule computations: the 75th birthday (29 February too), 100 years from an adoption
order, 10 years after a foster carer's approval ended, the longer of pension age or ten
years for allegations, and the archivists' longer option."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safekeep.retention.schedules import (
    CaseDates,
    anniversary,
    parse_rules,
    retention_of,
    shipped_rules,
)

RULES = shipped_rules()
days = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2050, 12, 31))


def dates(
    case_type: str,
    *,
    born: dt.date | None = None,
    opened_on: dt.date = dt.date(2000, 1, 1),
    closed_on: dt.date | None = dt.date(2001, 1, 1),
    key_date: dt.date | None = None,
) -> CaseDates:
    return CaseDates(case_type, born, opened_on, closed_on, key_date)


def test_every_shipped_rule_has_a_citation() -> None:
    assert {"looked_after_child", "adoption", "foster_carer", "allegation_against_staff"} <= set(
        RULES
    )
    assert all(rule.citation for rule in RULES.values())
    assert "regulation 50" in RULES["looked_after_child"].citation
    assert "regulation 32" in RULES["foster_carer"].citation


def test_a_rule_without_a_citation_is_refused() -> None:
    with pytest.raises(ValueError, match="rule other: every rule needs a citation"):
        parse_rules('[rules.other]\nfrom = "closed"\nyears = 6\n')


@given(days, st.integers(min_value=0, max_value=120))
def test_an_anniversary_is_the_same_day_or_1_march(day: dt.date, years: int) -> None:
    after = anniversary(day, years)
    assert after.year == day.year + years
    if (day.month, day.day) == (2, 29) and not _leap(after.year):
        assert (after.month, after.day) == (3, 1)
    else:
        assert (after.month, after.day) == (day.month, day.day)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def test_looked_after_child_until_the_75th_birthday() -> None:
    born = dt.date(2010, 4, 9)
    assert retention_of(dates("looked_after_child", born=born), RULES).due_on == dt.date(2085, 4, 9)


def test_born_on_29_february() -> None:
    born = dt.date(2012, 2, 29)  # 2087 is a common year: the 75th birthday is 1 March
    due = retention_of(dates("looked_after_child", born=born), RULES).due_on
    assert due == dt.date(2087, 3, 1)
    assert retention_of(dates("child_in_need", born=born), RULES).due_on == dt.date(2037, 3, 1)
    leap = dt.date(1944, 2, 29)  # 2044 is a leap year: the 100th birthday is 29 February
    assert anniversary(leap, 100) == dt.date(2044, 2, 29)


def test_the_archivists_longer_option_is_a_setting() -> None:
    case = dates("looked_after_child", born=dt.date(2010, 4, 9))
    longer = retention_of(case, RULES, care_experienced_longer=True)
    assert longer.due_on == dt.date(2110, 4, 9)
    assert "archivists" in longer.citation


@given(days)
def test_adoption_100_years_from_the_order(order: dt.date) -> None:
    case = dates("adoption", key_date=order, opened_on=dt.date(1900, 1, 1), closed_on=order)
    assert retention_of(case, RULES).due_on == anniversary(order, 100)


@given(days)
def test_foster_carer_10_years_after_approval_ends(ended: dt.date) -> None:
    case = dates("foster_carer", key_date=ended, opened_on=dt.date(1900, 1, 1), closed_on=ended)
    assert retention_of(case, RULES).due_on == anniversary(ended, 10)


def test_allegation_kept_to_pension_age_or_ten_years_whichever_is_longer() -> None:
    young = dates(
        "allegation_against_staff", born=dt.date(1990, 5, 1), opened_on=dt.date(2020, 3, 1)
    )
    assert retention_of(young, RULES).due_on == dt.date(2057, 5, 1)  # pension age, 67
    older = dates(
        "allegation_against_staff", born=dt.date(1955, 5, 1), opened_on=dt.date(2020, 3, 1)
    )
    assert retention_of(older, RULES).due_on == dt.date(2030, 3, 1)  # ten years


@given(days, st.sampled_from(sorted(RULES)))
def test_an_open_case_is_never_due(born: dt.date, case_type: str) -> None:
    case = dates(case_type, born=born, closed_on=None, key_date=born)
    assert retention_of(case, RULES).due_on is None


@given(days, days, st.sampled_from(sorted(RULES)))
def test_never_due_before_the_case_closed(born: dt.date, closed: dt.date, case_type: str) -> None:
    case = dates(case_type, born=born, opened_on=closed, closed_on=closed, key_date=closed)
    due = retention_of(case, RULES).due_on
    assert due is not None and due >= closed


def test_an_unknown_type_follows_the_other_rule_and_a_missing_date_is_never_due() -> None:
    assert retention_of(dates("anything"), RULES).due_on == dt.date(2007, 1, 1)
    missing = retention_of(dates("adoption"), RULES)
    assert missing.due_on is None and missing.why_not == "the key date is not recorded"
