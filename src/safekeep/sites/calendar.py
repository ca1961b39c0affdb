"""Working days at a council site: Monday to Friday, but not an England and Wales bank
holiday."""

from __future__ import annotations

from typing import Final

from safekeep.core.calendar import WorkingCalendar

SITE_CALENDAR: Final = WorkingCalendar(parts=("ENG",))

is_working_day = SITE_CALENDAR.is_working_day
add_working_days = SITE_CALENDAR.add_working_days
previous_working_day = SITE_CALENDAR.previous_working_day
