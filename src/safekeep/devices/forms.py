"""Page forms. They check shape only; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms

from safekeep.devices.models import DeviceComplaint, DeviceType, Ownership, TriState
from safekeep.devices.vocabulary import CONDITIONS, TASK_LABELS, TASKS
from safekeep.organisation.models import Site, StaffMember

TRISTATE_CHOICES = TriState.choices


class DeviceForm(forms.Form):
    asset_tag = forms.CharField(
        max_length=60, label="Asset tag", error_messages={"required": "Enter the asset tag"}
    )
    device_type = forms.ChoiceField(
        choices=DeviceType.choices,
        label="Type of device",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of device"},
    )
    ownership = forms.ChoiceField(
        choices=Ownership.choices,
        label="Who owns it",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who owns the device"},
    )
    encrypted = forms.ChoiceField(
        choices=TRISTATE_CHOICES,
        label="Is it encrypted?",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the device is encrypted"},
    )
    passcode = forms.ChoiceField(
        choices=TRISTATE_CHOICES,
        label="Does it have a passcode?",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the device has a passcode"},
    )
    os = forms.CharField(
        max_length=120,
        label="Operating system and version",
        help_text="For example, Windows 11 23H2 or iOS 17.5",
        error_messages={"required": "Enter the operating system and its version"},
    )
    assigned_staff_id = forms.CharField(
        max_length=40, required=False, label="Assigned to (staff ID)", help_text="Optional"
    )
    site = forms.ModelChoiceField(
        queryset=Site.objects.all(), required=False, label="Site", empty_label="No site"
    )
    on_site = forms.BooleanField(required=False, label="The device is on site")

    def clean_assigned_staff_id(self) -> StaffMember | None:
        staff_id = self.cleaned_data["assigned_staff_id"].strip()
        if not staff_id:
            return None
        staff = StaffMember.objects.filter(staff_id=staff_id).first()
        if staff is None:
            raise forms.ValidationError(f"No member of staff has staff ID {staff_id}")
        return staff


class DeviceChangeForm(DeviceForm):
    """The same fields; the asset tag cannot be changed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["asset_tag"]


class EnrolCodeForm(forms.Form):
    code = forms.CharField(
        max_length=40,
        label="Enrolment code",
        help_text="The 12-character code IT support gave you, for example ABCD-EFGH-JKMN",
        error_messages={"required": "Enter the enrolment code"},
    )


class ComplaintForm(forms.Form):
    category = forms.ChoiceField(
        choices=DeviceComplaint.Category.choices,
        label="What kind of problem was it?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of problem it was"},
    )
    summary = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        label="What could you not do?",
        help_text="Do not include anything about the people you work with",
        error_messages={"required": "Describe what you could not do"},
    )


class ComplaintUpdateForm(forms.Form):
    status = forms.ChoiceField(
        choices=DeviceComplaint.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a status"},
    )
    resolution = forms.CharField(
        max_length=500, required=False, label="How it was resolved", widget=forms.Textarea
    )


STATUS_CHOICES = [
    ("allowed", "Allowed"),
    ("conditional", "Conditional"),
    ("prevented", "Prevented"),
]
CONDITION_CHOICES = [("", "No condition"), *CONDITIONS.items()]


class TaskPolicyForm(forms.Form):
    """One select for status and one for condition per task, plus the reason for the change."""

    reason = forms.CharField(
        max_length=500,
        label="Why is the policy changing?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason for the change"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for task in TASKS:
            self.fields[f"{task}__status"] = forms.ChoiceField(
                choices=STATUS_CHOICES, label=TASK_LABELS[task].capitalize()
            )
            self.fields[f"{task}__condition"] = forms.ChoiceField(
                choices=CONDITION_CHOICES, required=False, label="Condition"
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for task in TASKS:
            status = cleaned.get(f"{task}__status")
            condition = cleaned.get(f"{task}__condition", "")
            if status == "conditional" and not condition:
                self.add_error(
                    f"{task}__condition", f"Choose the condition for '{TASK_LABELS[task]}'"
                )
        return cleaned

    def task_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [
            (TASK_LABELS[task], self[f"{task}__status"], self[f"{task}__condition"])
            for task in TASKS
        ]

    def rules(self) -> dict[str, tuple[str, str]]:
        return {
            task: (self.cleaned_data[f"{task}__status"], self.cleaned_data[f"{task}__condition"])
            for task in TASKS
        }
