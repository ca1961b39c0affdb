"""Page forms. They check shape only; the services decide what is allowed."""

from __future__ import annotations

from django import forms

from safekeep.access.vocabulary import ACTIONS
from safekeep.organisation.models import StaffMember, Team
from safekeep.records.models import Allocation, Entry, Referral
from safekeep.records.services.entries import BODY_MAX, TITLE_MAX
from safekeep.records.services.grants import GRANT_MAX_DAYS

ACTION_LABELS = {
    "view": "View the record",
    "edit": "Edit entries",
    "add_entry": "Add entries",
    "download": "Download documents",
    "print": "Print",
    "share_external": "Share with external partners",
    "export": "Export",
}


BODY_ERRORS = {"max_length": f"The entry must be {BODY_MAX:,} characters or fewer"}


class EntryForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(Entry.Kind.NOTE, "Case note"), (Entry.Kind.ASSESSMENT, "Assessment")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a case note or an assessment"},
    )
    title = forms.CharField(max_length=TITLE_MAX, error_messages={"required": "Enter a title"})
    body = forms.CharField(
        required=False,
        widget=forms.Textarea,
        max_length=BODY_MAX,
        label="What happened",
        error_messages=BODY_ERRORS,
    )
    sensitive = forms.BooleanField(required=False, label="Sensitive")


class EntryEditForm(forms.Form):
    title = forms.CharField(max_length=TITLE_MAX, error_messages={"required": "Enter a title"})
    body = forms.CharField(
        required=False, widget=forms.Textarea, max_length=BODY_MAX, error_messages=BODY_ERRORS
    )
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea,
        max_length=2000,
        label="Why are you correcting this entry?",
        error_messages={"required": "Give the reason for correcting an entry someone else wrote"},
    )

    def __init__(self, *args: object, needs_reason: bool = False, **kwargs: object) -> None:
        """A manager correcting someone else's entry must give a reason; its author need not."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if needs_reason:
            self.fields["reason"].required = True
        else:
            del self.fields["reason"]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        data.setdefault("reason", "")
        return data


class DocumentForm(forms.Form):
    title = forms.CharField(max_length=TITLE_MAX, error_messages={"required": "Enter a title"})
    file = forms.FileField(
        error_messages={"required": "Select a file", "empty": "The selected file is empty"}
    )
    sensitive = forms.BooleanField(required=False)


class AllocationForm(forms.Form):
    worker = forms.CharField(
        max_length=40, label="Staff ID", error_messages={"required": "Enter the staff ID"}
    )
    role = forms.ChoiceField(
        choices=Allocation.Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a role"},
    )
    starts_on = forms.DateField(
        error_messages={"required": "Enter a start date", "invalid": "Enter a real start date"}
    )
    ends_on = forms.DateField(required=False, error_messages={"invalid": "Enter a real end date"})

    def clean_worker(self) -> StaffMember:
        staff_id = self.cleaned_data["worker"].strip()
        worker = StaffMember.objects.filter(staff_id=staff_id).first()
        if worker is None:
            raise forms.ValidationError("There is no member of staff with that staff ID")
        return worker


class GrantRequestForm(forms.Form):
    actions = forms.MultipleChoiceField(
        choices=[(a, ACTION_LABELS[a]) for a in ACTIONS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose what you need to do"},
    )
    reason = forms.CharField(
        widget=forms.Textarea, max_length=2000, error_messages={"required": "Enter your reason"}
    )
    days = forms.IntegerField(
        min_value=1,
        max_value=GRANT_MAX_DAYS,
        error_messages={
            "required": "Enter how many days you need access for",
            "invalid": "Enter a whole number of days",
            "min_value": f"Access can last between 1 and {GRANT_MAX_DAYS} days",
            "max_value": f"Access can last between 1 and {GRANT_MAX_DAYS} days",
        },
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("refuse", "Refuse")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose approve or refuse"},
    )


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Enter the reason you need emergency access"},
    )


class BreakGlassReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[("justified", "Justified"), ("not_justified", "Not justified")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose justified or not justified"},
    )
    note = forms.CharField(widget=forms.Textarea, required=False, max_length=2000)


class ReferralForm(forms.Form):
    kind = forms.ChoiceField(
        choices=Referral.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose referral or transfer"},
    )
    to_team = forms.ModelChoiceField(
        queryset=Team.objects.all(),
        error_messages={
            "required": "Choose the receiving team",
            "invalid_choice": "Choose the receiving team",
        },
    )
    reason = forms.CharField(
        widget=forms.Textarea, max_length=2000, error_messages={"required": "Enter the reason"}
    )


class ReferralDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", "Accept"), ("decline", "Decline")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose accept or decline"},
    )


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)
