"""Times in GOV.UK's style ("4:37pm", "9am", "midday", "midnight"), which every page and every
decision's reason uses: each minute of the day is written one way, and reads back to itself."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from safekeep.access.wording import clock_time, minutes

WRITTEN = re.compile(r"^(?:(1[0-2]|[1-9])(?::([0-5]\d))?(am|pm)|midday|midnight)$")


def _read_back(words: str) -> dt.time:
    if words in ("midday", "midnight"):
        return dt.time(12 if words == "midday" else 0)
    match = WRITTEN.match(words)
    assert match is not None, words
    hour = int(match[1]) % 12 + (12 if match[3] == "pm" else 0)
    return dt.time(hour, int(match[2] or 0))


@given(st.times())
def test_every_minute_is_written_in_gov_uk_style_and_reads_back(moment: dt.time) -> None:
    words = clock_time(moment)
    assert WRITTEN.match(words), words
    assert _read_back(words) == moment.replace(second=0, microsecond=0)
    assert ":00" not in words


def test_examples() -> None:
    london = ZoneInfo("Europe/London")
    assert minutes(dt.datetime(2026, 12, 2, 4, 37, tzinfo=london)) == "2 December 2026 at 4:37am"
    assert minutes(dt.datetime(2026, 7, 2, 0, 30, tzinfo=london)) == "2 July 2026 at 12:30am"
    assert minutes(dt.datetime(2026, 7, 2, 12, 0, tzinfo=london)) == "2 July 2026 at midday"
    assert minutes(dt.datetime(2026, 7, 2, 17, 0, tzinfo=london)) == "2 July 2026 at 5pm"
