"""The sites pages' forms: plain Django forms, GOV.UK markup from the shared partials."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from safekeep.core.dates import DateInputField
from safekeep.organisation.models import StaffMember
from safekeep.sites.models import Printer


def _people(today: dt.date) -> Any:
    return StaffMember.objects.active_on(today).order_by("family_name", "given_name")


class _PersonChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.team.name})"


class _PeopleChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.team.name})"


class DoorCodeForm(forms.Form):
    code = forms.CharField(label="New code", max_length=12, widget=forms.PasswordInput)
    holders = _PeopleChoice(
        queryset=StaffMember.objects.none(),
        label="Who holds the new code",
        help_text="Only these people will be able to see it.",
    )

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["holders"].queryset = _people(today)  # type: ignore[attr-defined]


class VisitForm(forms.Form):
    visitor_name = forms.CharField(label="Visitor's name", max_length=200)
    organisation = forms.CharField(label="Organisation", max_length=200)
    accompanied_by = _PersonChoice(
        queryset=StaffMember.objects.none(), label="Member of staff accompanying them"
    )

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accompanied_by"].queryset = _people(today)  # type: ignore[attr-defined]


class EndOfDayForm(forms.Form):
    laptops_locked = forms.BooleanField(label="Laptops are locked away in storage", required=False)
    paper_locked = forms.BooleanField(label="Paper records are locked", required=False)
    note = forms.CharField(
        label="Anything not locked away, and why",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CheckOutForm(forms.Form):
    due_back = DateInputField("Back by", hint="For example, 9 12 2026", required=False)


class _PrinterChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}, {obj.site.name} ({obj.get_release_display().lower()})"


class PrintForm(forms.Form):
    printer = _PrinterChoice(
        queryset=Printer.objects.select_related("site"),
        label="Printer",
        help_text="Only a printer with coded release or in a secure location prints records.",
    )


class ReleaseForm(forms.Form):
    code = forms.CharField(label="Release code", max_length=12)
