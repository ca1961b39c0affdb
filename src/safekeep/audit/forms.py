"""Report filters. Errors are shown with the GOV.UK error summary."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from safekeep.core.dates import DateInputField


class SubjectForm(forms.Form):
    subject_id = forms.CharField(
        label="Subject ID",
        max_length=40,
        error_messages={"required": "Enter the subject ID"},
    )


class PeriodForm(forms.Form):
    date_from = DateInputField("From", what="the start date")
    date_to = DateInputField("To", what="the end date")

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
