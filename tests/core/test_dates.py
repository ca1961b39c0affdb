"""The GOV.UK date input: three boxes in, a date out, the Design System's words for what is
wrong, and GOV.UK Frontend's own markup (rendered through govuk-frontend-django's macros),
escaped."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django import forms

from safekeep.core.dates import DateInputField
from safekeep.web.templatetags.govuk import govuk_date_input


class Asked(forms.Form):
    start = DateInputField("Start date")
    end = DateInputField("End date", what="the last day", required=False)


def boxes(name: str, day: str, month: str, year: str) -> dict[str, str]:
    return {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}


def test_three_boxes_make_a_date_and_empty_optional_boxes_make_none() -> None:
    form = Asked({**boxes("start", "3", "12", "2026"), **boxes("end", "", "", "")})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"start": dt.date(2026, 12, 3), "end": None}


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        (("", "", ""), ("", "", ""), "start", "Enter the start date"),
        (("3", "", "2026"), ("", "", ""), "start", "The start date must include a month"),
        (("", "12", "2026"), ("", "", ""), "start", "The start date must include a day"),
        (("31", "2", "2026"), ("", "", ""), "start", "The start date must be a real date"),
        (("3", "12", "26"), ("", "", ""), "start", "The start date must be a real date"),
        (("x", "12", "2026"), ("", "", ""), "start", "The start date must be a real date"),
        (("3", "12", "2026"), ("1", "13", "2026"), "end", "The last day must be a real date"),
    ],
)
def test_what_is_wrong_in_gov_uk_words(start, end, field, message) -> None:
    form = Asked({**boxes("start", *start), **boxes("end", *end)})
    assert not form.is_valid()
    assert form.errors[field] == [message]


def test_a_link_may_carry_the_date_as_one_iso_value() -> None:
    assert Asked({"start": "2026-11-23"}).is_valid()
    form = Asked({"start": "23/11/2026"})
    assert form.errors["start"] == ["The start date must be a real date"]


def test_the_markup_is_gov_uk_frontends_escaped_with_its_error_and_the_day_box_first() -> None:
    form = Asked(boxes("start", '3"><script>', "", "2026"))
    form.is_valid()
    html = re.sub(r"\s+", " ", str(govuk_date_input(form["start"])))
    assert '<fieldset class="govuk-fieldset" role="group"' in html
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s"> Start date' in html
    assert '<span class="govuk-visually-hidden">Error:</span> The start date must include a' in html
    assert "<script>" not in html and "3&#34;&gt;&lt;script&gt;" in html
    day = re.search(r'<input[^>]*name="start_day"[^>]*>', html)
    assert day is not None and 'id="id_start"' in day[0]  # where the error summary links
    assert html.count("<label") == 3  # one a box, none nested
    assert "govuk-input--error" in day[0]


def test_a_date_already_known_fills_the_boxes() -> None:
    form = Asked(initial={"start": dt.date(2026, 1, 9)})
    html = str(govuk_date_input(form["start"]))
    for name, value in (("day", "9"), ("month", "1"), ("year", "2026")):
        tag = re.search(rf'<input[^>]*name="start_{name}"[^>]*>', html)
        assert tag is not None and f'value="{value}"' in tag[0]
