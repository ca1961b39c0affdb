"""The Freedom of Information Act 2000 clock, in working days (s10(6)): any day but a
Saturday, a Sunday, Christmas Day, Good Friday, or a bank holiday under the Banking and
Financial Dealings Act 1971 in *any* part of the United Kingdom. So the bank holidays of
England and Wales, Scotland and Northern Ireland are taken together (Scotland's 2 January
and St Andrew's Day, Northern Ireland's St Patrick's Day and 12 July, and the substitute
days of all of them), from the `holidays` package, which computes them offline for any
year, one-off days included.

Pure Python (an import-linter contract keeps Django out): the register, the letter and
`safekeep foi deadline` all count days here, so they can never disagree; the counting
itself is core.calendar's, shared with the sites' calendar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

from safekeep.core.calendar import WorkingCalendar

RESPONSE_DAYS: Final = 20  # s10(1): promptly, and no later than the 20th working day
REVIEW_REQUEST_DAYS: Final = 40  # s45 Code of Practice: a review asked for within 40 days
REVIEW_DAYS: Final = 20  # an internal review answered within 20 working days ...
REVIEW_DAYS_AT_MOST: Final = 40  # ... or, exceptionally, 40
UK_PARTS: Final = ("ENG", "WLS", "SCT", "NIR")

PauseKind = Literal["clarification", "fee"]


FOI_CALENDAR: Final = WorkingCalendar(parts=UK_PARTS, christmas_and_good_friday=True)

is_working_day = FOI_CALENDAR.is_working_day
add_working_days = FOI_CALENDAR.add_working_days
working_days_between = FOI_CALENDAR.working_days_between


@dataclass(frozen=True, slots=True)
class Pause:
    """The clock held while the council waits for the requester.

    `clarification` (s1(3)): the council need not comply until it has the clarification, so
    the 20 working days start again from the day after the answer. `fee` (s10(2)): the
    working days from the day the fees notice is given to the day the fee is received are
    disregarded. `answered_on` is None while still waiting: then there is no due date.
    """

    kind: PauseKind
    started_on: dt.date
    answered_on: dt.date | None = None


def due_date(received: dt.date, pauses: Iterable[Pause] = ()) -> dt.date | None:
    """The day the response is due: the 20th working day after receipt, moved by any pauses
    (in the order they happened); None while a pause is still waiting for an answer."""
    start = received
    disregarded: list[tuple[dt.date, dt.date]] = []
    for pause in sorted(pauses, key=lambda p: p.started_on):
        if pause.answered_on is None:
            return None
        if pause.kind == "clarification":
            start, disregarded = pause.answered_on, []
        else:
            disregarded.append((pause.started_on, pause.answered_on))
    counted = 0
    for day in FOI_CALENDAR.working_days_after(start):
        if any(first <= day <= last for first, last in disregarded):
            continue
        counted += 1
        if counted == RESPONSE_DAYS:
            return day
    raise AssertionError("unreachable")  # pragma: no cover


def review_request_by(responded: dt.date) -> dt.date:
    """The last day the requester may ask for an internal review: 40 working days on."""
    return add_working_days(responded, REVIEW_REQUEST_DAYS)
