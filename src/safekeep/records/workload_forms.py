"""The manager's workload forms: filters, allocating by name, ending and revoking with a
reason. They check shape only; the services decide what is allowed."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms

from safekeep.core.dates import DateInputField
from safekeep.organisation.models import Classification, StaffMember
from safekeep.records.models import Allocation
from safekeep.records.workload import DEFAULT_SORT, CaseFilter

SORT_CHOICES = [
    ("opened", "Opened, oldest first"),
    ("-opened", "Opened, newest first"),
    ("contact", "Last contact, longest ago first"),
    ("-contact", "Last contact, most recent first"),
    ("case", "Case number"),
]


class WorkloadFilterForm(forms.Form):
    unallocated = forms.BooleanField(required=False, label="Only cases with no allocated worker")
    no_contact_days = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=3650,
        label="No contact in the last (days)",
        error_messages={
            "invalid": "Enter the number of days as a whole number, for example 28",
            "min_value": "Enter a number of days of 1 or more",
            "max_value": "Enter a number of days of 3650 or fewer",
        },
    )
    classification = forms.ChoiceField(
        required=False, choices=[("", "Any"), *Classification.choices]
    )
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, label="Sort by")

    def chosen(self) -> CaseFilter:
        """The filter to apply: what was valid, or none (the page shows the error)."""
        if not self.is_valid():
            return CaseFilter()
        data = self.cleaned_data
        return CaseFilter(
            unallocated=bool(data["unallocated"]),
            no_contact_days=data["no_contact_days"],
            classification=data["classification"] or "",
            sort=data["sort"] or DEFAULT_SORT,
        )


def _label(member: StaffMember) -> str:
    roles = ", ".join(sorted(role.get_role_display() for role in member.roles.all()))
    return f"{member.full_name} ({roles})" if roles else member.full_name


class AllocateByNameForm(forms.Form):
    """Allocate someone chosen by name from the team (the owning team's current members).

    The choice's value is the staff id; someone from another team (a co-worker lent by a
    colleague) may still be posted by staff id, which the service checks as before.
    """

    worker = forms.CharField(
        label="Who", widget=forms.Select, error_messages={"required": "Choose who to allocate"}
    )
    role = forms.ChoiceField(
        choices=Allocation.Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a role"},
    )
    starts_on = DateInputField(
        what="the start date", label="Start date", hint="For example, 1 12 2026"
    )
    ends_on = DateInputField(
        what="the end date", label="End date (optional)", required=False,
        hint="Leave it empty while the work goes on",
    )  # fmt: skip

    def __init__(self, *args: object, members: Iterable[StaffMember], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.choices = [("", "Choose a person")] + [
            (member.staff_id, _label(member)) for member in members
        ]
        widget = self.fields["worker"].widget
        assert isinstance(widget, forms.Select)  # nosec B101 # narrows the type
        widget.choices = self.choices

    def clean_worker(self) -> StaffMember:
        staff_id = str(self.cleaned_data["worker"]).strip()
        worker = StaffMember.objects.filter(staff_id=staff_id).first()
        if worker is None:
            raise forms.ValidationError("Choose who to allocate from the list")
        return worker


class NameSearchForm(forms.Form):
    """The allocate page's search of the team by name (a GET, so no script is needed)."""

    name = forms.CharField(required=False, max_length=100, label="Find someone by name")


class EndAllocationForm(forms.Form):
    ends_on = DateInputField(
        what="the last day",
        label="Last day of the allocation",
        hint="Their access through this allocation ends after this day. "
        "To end it now, enter yesterday's date.",
    )
    reason = forms.CharField(
        widget=forms.Textarea, max_length=2000, error_messages={"required": "Enter your reason"}
    )


class RevokeGrantForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea, max_length=2000, error_messages={"required": "Enter your reason"}
    )
