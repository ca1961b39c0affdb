"""The dashboard's server-drawn SVG charts: empty data says so, a year of data draws a bar
per day (or month) and series, the table beside it holds the same figures, and days are the
council's days."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string

from safekeep.audit.models import AuditEntry
from safekeep.devices.models import DeviceComplaint
from safekeep.governance.selectors import case_decisions_per_day, counts_per_month, months_ending
from safekeep.web.governance.charts import Series, bar_chart
from safekeep.web.governance.dashboard import accesses_chart, month_chart
from tests.factories import make_staff

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")


class Figure(HTMLParser):
    """The parts of a rendered chart a test counts: bars, the SVG's labels, table rows."""

    def __init__(self) -> None:
        super().__init__()
        self.svg: dict[str, str | None] | None = None
        self.bars: list[dict[str, str | None]] = []
        self.rows: list[list[str]] = []
        self.ids: dict[str, str] = {}
        self._cell: list[str] | None = None
        self._id: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "svg":
            self.svg = found
        elif tag == "rect":
            self.bars.append(found)
        elif tag in {"title", "desc"} and found.get("id"):
            self._id, self._text = found["id"], []
        elif tag == "tr" and self.svg is not None:
            self._cell = []
        elif tag in {"td", "th"} and self._cell is not None:
            self._text = []

    def handle_data(self, data: str) -> None:
        self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"title", "desc"} and self._id:
            self.ids[self._id] = "".join(self._text).strip()
            self._id = None
        elif tag in {"td", "th"} and self._cell is not None:
            self._cell.append("".join(self._text).strip())
        elif tag == "tr" and self._cell is not None:
            self.rows.append(self._cell)
            self._cell = None


def rendered(chart: object) -> tuple[str, Figure]:
    html = render_to_string("governance/_chart.html", {"chart": chart})
    figure = Figure()
    figure.feed(html)
    return html, figure


def test_no_data_says_so_instead_of_drawing_an_empty_chart() -> None:
    today = dt.date(2026, 12, 2)
    html, figure = rendered(accesses_chart(today - dt.timedelta(days=29), today))
    assert "No accesses recorded in this period." in html
    assert "<svg" not in html and figure.bars == []
    empty_months = month_chart(
        "complaints",
        "Device complaints per month",
        counts_per_month(DeviceComplaint.objects.all(), "reported_on", last=today),
        series="Complaints",
        empty="No device complaints recorded in this period.",
    )
    assert "No device complaints recorded in this period." in rendered(empty_months)[0]


def entries_for(day: dt.date, allowed: int, refused: int) -> list[AuditEntry]:
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=LONDON)
    return [
        AuditEntry(
            occurred_at=noon,
            actor_staff_id="S1",
            action="case.view",
            object_type="case",
            object_id="C1",
            decision=decision,
        )
        for decision, n in (("allowed", allowed), ("refused", refused))
        for _ in range(n)
    ]


def test_a_year_of_accesses_draws_two_bars_a_day_and_the_table_matches() -> None:
    last = dt.date(2026, 12, 2)
    first = last - dt.timedelta(days=364)
    days = [first + dt.timedelta(days=i) for i in range(365)]
    expected = {day: (i % 5, 1 if i % 7 == 0 else 0) for i, day in enumerate(days)}
    AuditEntry.objects.bulk_create(
        [e for day, (a, r) in expected.items() for e in entries_for(day, a, r)]
    )
    assert case_decisions_per_day(first, last) == [(d, *expected[d]) for d in days]

    _, figure = rendered(accesses_chart(first, last))
    assert figure.svg is not None and figure.svg["role"] == "img"
    assert figure.svg["aria-labelledby"] == "accesses-title accesses-desc"
    assert figure.ids["accesses-title"] == "Case accesses and refusals per day"
    assert figure.ids["accesses-desc"].startswith(
        "Case accesses and refusals per day, 3 December 2025 to 2 December 2026. "
        f"Accesses: {sum(a for a, _ in expected.values())} in all; refusals: 53 in all."
    )
    assert len(figure.bars) == 365 * 2
    header, *rows = figure.rows
    assert header == ["Period", "Accesses", "Refusals"]
    assert rows == [[f"{d:%-d %B %Y}", str(expected[d][0]), str(expected[d][1])] for d in days]
    # taller bars for bigger counts: a day with 4 accesses stands twice as high as one with 2
    heights = {float(b["height"] or 0) for b in figure.bars[0::2]}
    assert len(heights) == 5 and 0.0 in heights


def test_a_year_of_complaints_draws_a_bar_a_month() -> None:
    staff = make_staff()
    last = dt.date(2026, 12, 2)
    months = months_ending(last, 12)
    assert months[0] == dt.date(2026, 1, 1) and months[-1] == dt.date(2026, 12, 1)
    for number, month in enumerate(months):
        for _ in range(number % 4):
            DeviceComplaint.objects.create(
                reported_on=month + dt.timedelta(days=number % 2),
                staff=staff,
                category="device_fault",
                summary="Screen",
            )
    DeviceComplaint.objects.create(  # the year before: not shown
        reported_on=dt.date(2025, 12, 31), staff=staff, category="training", summary="x"
    )
    counts = counts_per_month(DeviceComplaint.objects.all(), "reported_on", last=last)
    assert counts == [(m, n % 4) for n, m in enumerate(months)]
    chart = month_chart(
        "complaints", "Device complaints per month", counts, series="Complaints", empty="none"
    )
    _, figure = rendered(chart)
    assert len(figure.bars) == 12
    assert figure.rows[1:] == [[f"{m:%B %Y}", str(n % 4)] for n, m in enumerate(months)]
    assert [b for b in figure.bars if b["class"] != "app-chart__bar app-chart__bar--0"] == []


def test_days_are_the_councils_days() -> None:
    """23:30 UTC on 1 July is 00:30 BST on 2 July: it counts on the 2nd."""
    AuditEntry.objects.create(
        occurred_at=dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.UTC),
        actor_staff_id="S1",
        action="case.view",
        object_type="case",
        object_id="C1",
        decision="allowed",
    )
    counted = case_decisions_per_day(dt.date(2026, 7, 1), dt.date(2026, 7, 2))
    assert counted == [(dt.date(2026, 7, 1), 0, 0), (dt.date(2026, 7, 2), 1, 0)]


def test_the_axis_is_thinned_and_bad_input_is_refused() -> None:
    chart = bar_chart(
        slug="x",
        title="X",
        labels=[str(n) for n in range(30)],
        short_labels=[str(n) for n in range(30)],
        series=[Series("Things", tuple(range(30)))],
        empty="none",
    )
    assert len(chart.x_labels) == 8  # every fourth of thirty labels
    assert [label.text for label in chart.y_labels] == ["0", "25", "50"]  # top: 29 → 50
    html, _ = rendered(chart)
    assert not re.search(r"\sstyle=", html)  # the CSP forbids style attributes
    with pytest.raises(ValueError, match="one value per label"):
        bar_chart(
            slug="x",
            title="X",
            labels=["a", "b"],
            short_labels=["a", "b"],
            series=[Series("Things", (1,))],
            empty="none",
        )
