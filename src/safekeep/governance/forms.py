"""Incident page forms. They check shape only; the services decide what is allowed.

Dates are typed as YYYY-MM-DD, and times as YYYY-MM-DD HH:MM in London time (the council's
time zone, so the clocks' changes are taken care of).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict

from safekeep.core.dates import DateInputField
from safekeep.governance.models import Incident
from safekeep.governance.selectors import STATES
from safekeep.organisation.models import StaffMember

MOMENT_HINT = "London time, in the form YYYY-MM-DD HH:MM, for example 2026-11-30 14:05"

if TYPE_CHECKING:
    _StaffChoice = forms.ModelChoiceField[StaffMember]
else:
    _StaffChoice = forms.ModelChoiceField


class _StaffField(_StaffChoice):
    """A person chosen by name, with their staff ID to tell namesakes apart."""

    def label_from_instance(self, obj: StaffMember) -> str:
        return f"{obj.full_name} ({obj.staff_id})"


def _aware_at(*, required: bool) -> forms.DateTimeField:
    return forms.DateTimeField(
        label="When the council became aware of the breach",
        required=required,
        input_formats=["%Y-%m-%d %H:%M"],
        help_text=MOMENT_HINT + ". The ICO must be told within 72 hours of this.",
        error_messages={
            "required": "Enter when the council became aware of the breach",
            "invalid": "When the council became aware must be a real date and time, "
            "YYYY-MM-DD HH:MM",
        },
    )


def _summary() -> forms.CharField:
    return forms.CharField(
        max_length=2000,
        label="What happened, in a sentence",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say briefly what happened"},
    )


class IncidentFilterForm(forms.Form):
    category = forms.ChoiceField(
        choices=[("", "All categories"), *Incident.Category.choices],
        required=False,
        label="Category",
    )
    state = forms.ChoiceField(choices=list(STATES.items()), required=False, label="Show")


class IncidentForm(forms.Form):
    """IG records an incident of any category."""

    category = forms.ChoiceField(
        choices=Incident.Category.choices,
        label="What kind of incident",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of incident it was"},
    )
    occurred_on = DateInputField("The day it happened")
    staff_id = forms.CharField(
        max_length=40,
        required=False,
        label="Who was involved (staff ID)",
        help_text="Optional: leave empty when nobody in particular was",
    )
    summary = _summary()
    severity = forms.ChoiceField(
        choices=Incident.Severity.choices,
        required=False,
        label="How severe is it",
        widget=forms.RadioSelect,
    )
    what_happened = forms.CharField(
        max_length=10000, required=False, label="What happened, in full", widget=forms.Textarea
    )
    aware_at = _aware_at(required=False)

    def clean_staff_id(self) -> StaffMember | None:
        staff_id = self.cleaned_data["staff_id"].strip()
        if not staff_id:
            return None
        staff = StaffMember.objects.filter(staff_id=staff_id).first()
        if staff is None:
            raise forms.ValidationError(f"No member of staff has staff ID {staff_id}")
        return staff


class IncidentUpdateForm(forms.Form):
    severity = forms.ChoiceField(
        choices=Incident.Severity.choices,
        required=False,
        label="How severe is it",
        widget=forms.RadioSelect,
    )
    what_happened = forms.CharField(
        max_length=10000, required=False, label="What happened, in full", widget=forms.Textarea
    )

    def __init__(
        self, data: QueryDict | None = None, *, breach: bool, initial: dict[str, Any] | None = None
    ) -> None:
        super().__init__(data, initial=initial)
        if breach:
            self.fields["aware_at"] = _aware_at(required=True)


class ActionForm(forms.Form):
    text = forms.CharField(
        max_length=5000,
        label="What was done",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what was done"},
    )


class IcoDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            (Incident.IcoDecision.REPORT, "Report it to the ICO"),
            (Incident.IcoDecision.NOT_REPORT, "Do not report it: unlikely to risk people's rights"),
        ],
        label="Is the breach reported to the ICO?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to report the breach to the ICO"},
    )
    reasons = forms.CharField(
        max_length=5000,
        label="Why",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Give the reasons for the decision"},
    )


class CloseForm(forms.Form):
    outcome = forms.CharField(
        max_length=5000,
        label="Outcome",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what the outcome was"},
    )


class NumberSharedForm(forms.Form):
    """A manager's quick report: who in the team gave a client their personal number, when."""

    staff = _StaffField(
        queryset=StaffMember.objects.none(),
        label="Who shared their personal phone number",
        empty_label="Choose a person",
        error_messages={"required": "Choose who shared their number"},
    )
    occurred_on = DateInputField("The day it happened")
    summary = _summary()

    def __init__(
        self, data: QueryDict | None = None, *, team_members: QuerySet[StaffMember]
    ) -> None:
        super().__init__(data)
        field = cast("_StaffField", self.fields["staff"])
        field.queryset = team_members
