"""One way of counting working days, two calendars: a site's (England and Wales) and the
FOI Act's (every part of the UK, and Christmas Day and Good Friday named by s10(6))."""

from __future__ import annotations

import datetime as dt

from safekeep.governance.working_days import FOI_CALENDAR
from safekeep.sites.calendar import SITE_CALENDAR


def test_scotland_and_northern_ireland_only_days_stop_the_foi_clock_but_not_a_site() -> None:
    for day in (dt.date(2026, 1, 2), dt.date(2026, 3, 17), dt.date(2026, 11, 30)):
        assert SITE_CALENDAR.is_working_day(day)
        assert not FOI_CALENDAR.is_working_day(day)


def test_both_skip_england_s_bank_holidays_and_weekends() -> None:
    for day in (dt.date(2026, 4, 6), dt.date(2026, 8, 31), dt.date(2026, 12, 5)):
        assert not SITE_CALENDAR.is_working_day(day)
        assert not FOI_CALENDAR.is_working_day(day)


def test_previous_and_between_count_the_same_days() -> None:
    easter_tuesday = dt.date(2026, 4, 7)
    assert SITE_CALENDAR.previous_working_day(easter_tuesday) == dt.date(2026, 4, 2)
    assert SITE_CALENDAR.working_days_between(dt.date(2026, 4, 2), easter_tuesday) == 1
