"""The day the FOI officer answers for: a GOV.UK date input (day, month, year)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from safekeep.core.dates import DateInputField


class AsOfForm(forms.Form):
    """The day the figures are for; empty: today."""

    as_of = DateInputField(
        "Figures as at", what="the date", hint="For example, 23 11 2026", required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        as_of = data.get("as_of")
        if as_of is None and "as_of" not in self.errors:
            data["as_of"] = today
        elif isinstance(as_of, dt.date) and as_of > today:
            self.add_error("as_of", "The date must be today or in the past")
        return data

    @classmethod
    def for_day(cls, day: dt.date) -> dict[str, str]:
        """The query that asks for `day` (the download links carry it)."""
        return {
            "as_of_day": str(day.day),
            "as_of_month": str(day.month),
            "as_of_year": str(day.year),
        }


# --- FOI requests: the forms check shape only; governance/foi/requests.py decides -------------


def split_questions(text: str) -> list[str]:
    """The questions as typed or pasted: separated by a blank line, kept in order."""
    return [
        " ".join(part.split()) for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()
    ]


class FoiRequestForm(forms.Form):
    reference = forms.CharField(
        max_length=40,
        required=False,
        label="Reference",
        help_text="Leave empty for the next FOI-YEAR-NUMBER",
    )
    received_on = DateInputField("Date received")
    requester_name = forms.CharField(max_length=200, required=False, label="Requester's name")
    requester_contact = forms.CharField(
        max_length=500,
        required=False,
        label="How to reply to them",
        help_text="An email or postal address. Only the FOI team sees it.",
    )
    questions = forms.CharField(
        required=False,
        max_length=50000,
        label="The questions, in the order asked",
        help_text="Paste the request. Leave a blank line between one question and the next.",
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    assigned_to = forms.ChoiceField(required=False, label="FOI officer", choices=())

    def __init__(self, *args: Any, officers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].choices = [("", "Me"), *officers]  # type: ignore[attr-defined]


class FoiFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, label="Status", choices=())
    flag = forms.ChoiceField(
        required=False,
        label="Clock",
        choices=[("", "Any"), ("due_soon", "Due soon"), ("overdue", "Overdue")],
    )

    def __init__(self, *args: Any, statuses: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Any"), *statuses]  # type: ignore[attr-defined]


class AnswerForm(forms.Form):
    position = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(
        required=False, max_length=10000, label="Answer", widget=forms.Textarea(attrs={"rows": 4})
    )
    exemptions = forms.MultipleChoiceField(
        required=False,
        label="Exemptions relied on",
        widget=forms.CheckboxSelectMultiple,
        choices=(),
    )

    def __init__(self, *args: Any, exemptions: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["exemptions"].choices = list(exemptions.items())  # type: ignore[attr-defined]


class PrefillForm(forms.Form):
    as_of = DateInputField("Figures as at")


class PauseForm(forms.Form):
    kind = forms.ChoiceField(
        label="Waiting for",
        widget=forms.RadioSelect,
        choices=[("clarification", "A clarification"), ("fee", "A fee")],
        error_messages={"required": "Choose what the council is waiting for"},
    )
    started_on = DateInputField("Date asked")


class RestartForm(forms.Form):
    answered_on = DateInputField("Date the requester answered")


class ExtendForm(forms.Form):
    extended_to = DateInputField("New date")
    extension_reason = forms.CharField(
        required=False,
        max_length=2000,
        label="Why the public interest test needs longer",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RespondForm(forms.Form):
    responded_on = DateInputField("Date of the response")
    publish = forms.BooleanField(required=False, label="Publish it in the disclosure log")


class ReviewForm(forms.Form):
    requested_on = DateInputField("Date the review was asked for")
    grounds = forms.CharField(
        required=False,
        max_length=5000,
        label="What the requester is unhappy with",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    late_reason = forms.CharField(
        required=False,
        max_length=2000,
        label="If asked after 40 working days: why it is accepted",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(label="Outcome", widget=forms.RadioSelect, choices=())
    decided_on = DateInputField("Date decided")

    def __init__(self, *args: Any, outcomes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = outcomes  # type: ignore[attr-defined]


class IcoForm(forms.Form):
    ico_complained_on = DateInputField("Date of the complaint to the ICO")
    ico_decision = forms.CharField(
        required=False,
        max_length=5000,
        label="The ICO's decision (when known)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
