"""The forms of the subject access pages: they check shape only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from safekeep.core.dates import DateInputField
from safekeep.subject_access.clock import MAX_EXTENSION_MONTHS


def _reason(label: str, required: str, hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=1000,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": required},
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Find the person",
        max_length=200,
        help_text="Their full name, family name, date of birth (YYYY-MM-DD) or a case ID",
        error_messages={"required": "Enter a name, a date of birth or a case ID"},
    )


class OpenForm(forms.Form):
    received_on = DateInputField("Date the request was received")


class IdentityForm(forms.Form):
    confirmed_on = DateInputField("Date their identity was confirmed")


class ExtendForm(forms.Form):
    months = forms.TypedChoiceField(
        label="Extend by",
        coerce=int,
        choices=[(n, f"{n} month{'s' if n > 1 else ''}") for n in range(1, 3)],
        error_messages={"required": "Choose how many months to extend by"},
    )
    reason = _reason(
        "Why the request needs longer",
        "Say why the request needs longer",
        f"Complex or numerous requests only; at most {MAX_EXTENSION_MONTHS} months in all",
    )


class WithholdForm(forms.Form):
    """One per entry on the page (prefixed by the entry), so each has its own field ids."""

    reason = _reason(
        "Why it is withheld",
        "Say why the entry is withheld (for example, third-party information)",
    )


class ExportForm(forms.Form):
    password = forms.CharField(
        label="Password for the file",
        min_length=8,
        max_length=200,
        strip=False,
        help_text="At least 8 characters. Send it to the person separately from the file "
        "(by phone or a letter). Safekeep does not keep it.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={
            "required": "Enter a password for the file",
            "min_length": "The password must be at least 8 characters",
        },
    )
    confirm = forms.CharField(
        label="Type the password again",
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Type the password again"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("confirm") and data["password"] != data["confirm"]:
            self.add_error("confirm", "The two passwords are not the same")
        return data
