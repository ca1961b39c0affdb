"""Sign-in forms. Messages follow the GOV.UK Design System's error message guidance."""

from __future__ import annotations

import re

from django import forms


class SignInForm(forms.Form):
    email = forms.CharField(
        label="Email address",
        max_length=254,
        error_messages={"required": "Enter your email address"},
        widget=forms.TextInput(
            attrs={"type": "email", "autocomplete": "username", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label="Password",
        max_length=1024,
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip()
        if "@" not in email or email.startswith("@") or email.endswith("@"):
            raise forms.ValidationError(
                "Enter an email address in the correct format, like name@council.gov.uk"
            )
        return email


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "class": "govuk-input--width-5",
            }
        ),
    )

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", str(self.cleaned_data["code"]))
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError("Enter the code as 6 numbers, like 123456")
        return code


class ChoosePasswordForm(forms.Form):
    """A new password, typed twice (the set-up link's page); the rules are Django's
    validators, checked by the service so the page and the command say the same."""

    password = forms.CharField(
        label="New password",
        max_length=1024,
        strip=False,
        error_messages={"required": "Enter a new password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label="New password again",
        max_length=1024,
        strip=False,
        error_messages={"required": "Enter the new password again"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password"), cleaned.get("password_again")
        if first and second and first != second:
            self.add_error("password_again", "The two passwords are not the same")
        return cleaned
