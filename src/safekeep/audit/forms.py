"""Report filters. Errors are shown with the GOV.UK error summary."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms


class SubjectForm(forms.Form):
    subject_id = forms.CharField(
        label="Subject ID",
        max_length=40,
        error_messages={"required": "Enter the subject ID"},
    )


class PeriodForm(forms.Form):
    date_from = forms.DateField(
        label="From (YYYY-MM-DD)",
        error_messages={
            "required": "Enter a start date",
            "invalid": "Enter a real start date, like 2026-11-01",
        },
    )
    date_to = forms.DateField(
        label="To (YYYY-MM-DD)",
        error_messages={
            "required": "Enter an end date",
            "invalid": "Enter a real end date, like 2026-11-30",
        },
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: dt.date | None = data.get("date_from")
        end: dt.date | None = data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        return data


class StaffPeriodForm(PeriodForm):
    staff_id = forms.CharField(
        label="Staff ID", max_length=40, error_messages={"required": "Enter the staff ID"}
    )
    field_order = ["staff_id", "date_from", "date_to"]
