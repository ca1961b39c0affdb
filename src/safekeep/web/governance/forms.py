"""The IG pages' forms: triaging an alert, finding a person."""

from __future__ import annotations

from django import forms

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
