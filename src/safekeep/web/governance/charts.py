"""Bar charts drawn on the server as SVG, so they work without JavaScript under the CSP.

A chart is counts per label (a day, a month) in one or more series, stacked. `bar_chart`
works out every bar's place here; `web/governance/_chart.html` writes the SVG (role="img",
a title and a description) and the same figures as a table beside it. Colours come from
classes in app.css (no style attributes: the CSP forbids them).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 480, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 8, 12, 36  # room for the axes' labels
MAX_AXIS_LABELS = 8


@dataclass(frozen=True, slots=True)
class Series:
    name: str  # "Accesses"
    values: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Bar:
    x: str
    y: str
    width: str
    height: str
    series: int
    title: str  # "3 December 2026: 12 accesses"


@dataclass(frozen=True, slots=True)
class AxisLabel:
    position: str
    text: str


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    values: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    slug: str
    title: str
    description: str
    empty: str  # shown instead of the chart when every count is zero
    series: tuple[Series, ...]
    rows: tuple[Row, ...]
    bars: tuple[Bar, ...]
    x_labels: tuple[AxisLabel, ...]
    y_labels: tuple[AxisLabel, ...]
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def is_empty(self) -> bool:
        return not any(any(s.values) for s in self.series)

    @property
    def baseline(self) -> int:
        return HEIGHT - BOTTOM

    @property
    def plot_left(self) -> int:
        return LEFT

    @property
    def plot_right(self) -> int:
        return WIDTH - RIGHT


def _nice_ceiling(value: int) -> int:
    """The axis top: the smallest 1, 2 or 5 times a power of ten at or above `value`."""
    if value <= 1:
        return 1
    magnitude: int = 10 ** int(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _describe(title: str, labels: Sequence[str], series: Sequence[Series]) -> str:
    """The chart in one or two sentences, for people who cannot see it."""
    if not labels:
        return f"{title}: no periods."
    totals = "; ".join(f"{s.name.lower()}: {sum(s.values)} in all" for s in series)
    sums = [sum(column) for column in zip(*(s.values for s in series), strict=True)]
    peak = max(range(len(sums)), key=lambda i: sums[i])
    return (
        f"{title}, {labels[0]} to {labels[-1]}. {totals[0].upper()}{totals[1:]}. "
        f"The most was {sums[peak]}, {labels[peak]}."
    )


def bar_chart(
    *,
    slug: str,
    title: str,
    labels: Sequence[str],
    short_labels: Sequence[str],
    series: Sequence[Series],
    empty: str,
) -> Chart:
    """A stacked bar chart: one bar per label, one segment per series.

    `labels` name each period in full (the table, each bar's tooltip); `short_labels` are
    written under the axis, thinned to at most eight so they do not overlap.
    """
    count = len(labels)
    if len(short_labels) != count or any(len(s.values) != count for s in series):
        raise ValueError("every series and the short labels need one value per label")
    sums = [sum(column) for column in zip(*(s.values for s in series), strict=True)]
    top = _nice_ceiling(max(sums, default=0))
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    slot = plot_width / count if count else plot_width
    bar_width = max(slot * 0.8, 0.5)
    bars = []
    for i in range(count):
        stacked = 0
        x = LEFT + i * slot + (slot - bar_width) / 2
        for number, one in enumerate(series):
            value = one.values[i]
            height = plot_height * value / top
            y = HEIGHT - BOTTOM - plot_height * (stacked + value) / top
            stacked += value
            bars.append(
                Bar(
                    _n(x),
                    _n(y),
                    _n(bar_width),
                    _n(height),
                    number,
                    f"{labels[i]}: {value} {one.name.lower()}",
                )
            )
    every = max(1, math.ceil(count / MAX_AXIS_LABELS))
    x_labels = tuple(
        AxisLabel(_n(LEFT + i * slot + slot / 2), short_labels[i]) for i in range(0, count, every)
    )
    y_labels = tuple(
        AxisLabel(_n(HEIGHT - BOTTOM - plot_height * part), str(round(top * part)))
        for part in (0, 0.5, 1)
        if part == 0 or top * part == round(top * part)
    )
    rows = tuple(Row(labels[i], tuple(s.values[i] for s in series)) for i in range(count))
    return Chart(
        slug,
        title,
        _describe(title, labels, series),
        empty,
        tuple(series),
        rows,
        tuple(bars),
        x_labels,
        y_labels,
    )


def day_labels(days: Sequence[dt.date]) -> tuple[list[str], list[str]]:
    """Full ("3 December 2026") and axis ("3 Dec") labels for days."""
    return [f"{d:%-d %B %Y}" for d in days], [f"{d:%-d %b}" for d in days]


def month_labels(months: Sequence[dt.date]) -> tuple[list[str], list[str]]:
    """Full ("December 2026") and axis ("Dec 26") labels for months."""
    return [f"{m:%B %Y}" for m in months], [f"{m:%b %y}" for m in months]
