"""Forms for adding, changing and ending staff. Messages follow the GOV.UK style guide."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms

from safekeep.core.dates import DateInputField
from safekeep.organisation.models import EmploymentType, Role, StaffMember, Team, WorkPattern
from safekeep.organisation.services import StaffDetails

if TYPE_CHECKING:
    _TeamField = forms.ModelChoiceField[Team]
else:
    _TeamField = forms.ModelChoiceField


class TeamChoiceField(_TeamField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.directorate.name})"


class StaffForm(forms.Form):
    staff_id = forms.CharField(
        label="Staff ID",
        max_length=40,
        error_messages={
            "required": "Enter a staff ID",
            "max_length": "Staff ID must be 40 characters or fewer",
        },
    )
    given_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter a first name"}
    )
    family_name = forms.CharField(
        label="Last name", max_length=100, error_messages={"required": "Enter a last name"}
    )
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter an email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    team = TeamChoiceField(
        label="Team",
        queryset=Team.objects.select_related("directorate"),
        empty_label="Choose a team",
        error_messages={"required": "Choose a team", "invalid_choice": "Choose a team"},
    )
    roles = forms.MultipleChoiceField(
        label="Roles",
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one role"},
    )
    employment_type = forms.ChoiceField(
        label="Employment type",
        choices=EmploymentType.choices,
        error_messages={"required": "Choose an employment type"},
    )
    works_with_vulnerable_people = forms.TypedChoiceField(
        label="Works with children or vulnerable adults",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        error_messages={"required": "Say whether they work with children or vulnerable adults"},
    )
    work_pattern = forms.ChoiceField(
        label="Work pattern",
        choices=WorkPattern.choices,
        error_messages={"required": "Choose a work pattern"},
    )
    start_date = DateInputField("Start date")
    end_date = DateInputField(
        "Last working day (optional)", what="the last working day", required=False
    )

    def __init__(self, *args: Any, staff: StaffMember | None = None, **kwargs: Any) -> None:
        if staff is not None:
            kwargs.setdefault(
                "initial",
                {
                    "given_name": staff.given_name,
                    "family_name": staff.family_name,
                    "email": staff.email,
                    "team": staff.team_id,
                    "roles": sorted(staff.role_names()),
                    "employment_type": staff.employment_type,
                    "works_with_vulnerable_people": (
                        "yes" if staff.works_with_vulnerable_people else "no"
                    ),
                    "work_pattern": staff.work_pattern,
                    "start_date": staff.start_date,
                    "end_date": staff.end_date,
                },
            )
        super().__init__(*args, **kwargs)
        if staff is not None:
            del self.fields["staff_id"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error(
                "end_date", "The last working day must be the same as or after the start date"
            )
        return cleaned

    def details(self) -> StaffDetails:
        data = self.cleaned_data
        return StaffDetails(
            given_name=data["given_name"].strip(),
            family_name=data["family_name"].strip(),
            email=data["email"].strip(),
            team=data["team"],
            roles=frozenset(data["roles"]),
            employment_type=data["employment_type"],
            works_with_vulnerable_people=data["works_with_vulnerable_people"],
            work_pattern=data["work_pattern"],
            start_date=data["start_date"],
            end_date=data["end_date"],
        )


class EndStaffForm(forms.Form):
    end_date = DateInputField("Last working day", what="their last working day")

    def __init__(self, *args: Any, staff: StaffMember, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.staff = staff

    def clean_end_date(self) -> dt.date:
        end: dt.date = self.cleaned_data["end_date"]
        if end < self.staff.start_date:
            raise forms.ValidationError(
                "The last working day must be the same as or after the start date "
                f"({self.staff.start_date.isoformat()})"
            )
        return end
