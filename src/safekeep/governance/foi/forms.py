"""The day the FOI officer answers for: a GOV.UK date input (day, month, year)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone


class AsOfForm(forms.Form):
    """Empty: today. Errors name the field and say what to type."""

    day = forms.IntegerField(required=False, min_value=1, max_value=31)
    month = forms.IntegerField(required=False, min_value=1, max_value=12)
    year = forms.IntegerField(required=False, min_value=1900, max_value=9999)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            self.errors.clear()
            self.add_error("day", "Enter a real date, like 23 11 2026")
            return data
        parts = [data.get("day"), data.get("month"), data.get("year")]
        today = timezone.localdate()
        if not any(parts):
            data["as_of"] = today
            return data
        if not all(parts):
            missing = [
                name for name, part in zip(("day", "month", "year"), parts, strict=True) if not part
            ]
            self.add_error(missing[0], f"The date must include a {' and a '.join(missing)}")
            return data
        try:
            as_of = dt.date(int(parts[2] or 0), int(parts[1] or 0), int(parts[0] or 0))
        except ValueError:
            self.add_error("day", "Enter a real date, like 23 11 2026")
            return data
        if as_of > today:
            self.add_error("day", "The date must be today or in the past")
            return data
        data["as_of"] = as_of
        return data

    @classmethod
    def for_day(cls, day: dt.date) -> dict[str, str]:
        """The query that asks for `day` (the download links carry it)."""
        return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}


# --- FOI requests: the forms check shape only; governance/foi/requests.py decides -------------

DATE_HINT = "Use the form YYYY-MM-DD, for example 2020-02-11"


def _day(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(format="%Y-%m-%d"),  # the initial day shown as it is typed
        help_text=DATE_HINT,
        error_messages={
            "required": f"Enter {label[:1].lower()}{label[1:]}",
            "invalid": f"{label} must be a real date in the form YYYY-MM-DD",
        },
    )


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
    received_on = _day("Date received")
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
    as_of = _day("Figures as at")


class PauseForm(forms.Form):
    kind = forms.ChoiceField(
        label="Waiting for",
        widget=forms.RadioSelect,
        choices=[("clarification", "A clarification"), ("fee", "A fee")],
        error_messages={"required": "Choose what the council is waiting for"},
    )
    started_on = _day("Date asked")


class RestartForm(forms.Form):
    answered_on = _day("Date the requester answered")


class ExtendForm(forms.Form):
    extended_to = _day("New date")
    extension_reason = forms.CharField(
        required=False,
        max_length=2000,
        label="Why the public interest test needs longer",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RespondForm(forms.Form):
    responded_on = _day("Date of the response")
    publish = forms.BooleanField(required=False, label="Publish it in the disclosure log")


class ReviewForm(forms.Form):
    requested_on = _day("Date the review was asked for")
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
    decided_on = _day("Date decided")

    def __init__(self, *args: Any, outcomes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = outcomes  # type: ignore[attr-defined]


class IcoForm(forms.Form):
    ico_complained_on = _day("Date of the complaint to the ICO")
    ico_decision = forms.CharField(
        required=False,
        max_length=5000,
        label="The ICO's decision (when known)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
