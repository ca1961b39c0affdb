"""IG's retention forms: approve a month's list, place a legal hold, release one."""

from __future__ import annotations

from django import forms


class ApproveForm(forms.Form):
    batch = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why these records may be disposed of",
        help_text="For example: retention periods ended, no litigation or request pending.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason for approving the disposal"},
    )


class HoldForm(forms.Form):
    case_id = forms.CharField(
        label="Case ID",
        max_length=40,
        error_messages={"required": "Enter the case ID to hold"},
    )
    reason = forms.CharField(
        label="Why it must be kept",
        help_text="For example: a claim against the council, an inquiry, a police investigation.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason for the legal hold"},
    )


class ReleaseForm(forms.Form):
    hold = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why the hold can end",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Give the reason for releasing the hold"},
    )
