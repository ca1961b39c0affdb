"""The IG pages' forms: triaging an alert, finding a person, the audit reports' filters
(errors shown with the GOV.UK error summary)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from safekeep.core.dates import DateInputField
from safekeep.governance.models import AlertTriage


class AlertTriageForm(forms.Form):
    rule = forms.CharField(max_length=40)
    key = forms.CharField(max_length=80)
    state = forms.ChoiceField(
        choices=AlertTriage.State.choices,
        error_messages={
            "required": "Choose acknowledge or dismiss",
            "invalid_choice": "Choose acknowledge or dismiss",
        },
    )
    note = forms.CharField(required=False, max_length=2000, strip=True)


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label="Name, date of birth or case ID",
        max_length=200,
        error_messages={"required": "Enter a name, a date of birth or a case ID"},
    )


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
