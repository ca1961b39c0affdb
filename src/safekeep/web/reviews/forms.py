"""The reviews pages' forms: plain Django forms, GOV.UK markup from the reviews partials."""

from __future__ import annotations

from typing import Any

from django import forms

from safekeep.core.dates import DateInputField
from safekeep.organisation.forms import TeamChoiceField
from safekeep.organisation.models import Classification, RiskAssessment, Team
from safekeep.reviews.models import AccessReview
from safekeep.reviews.selectors import Holdings
from safekeep.reviews.services import Decision


class RiskAssessmentForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[
            (RiskAssessment.Outcome.APPROVED, "Approved: they may see records it covers"),
            (RiskAssessment.Outcome.REFUSED, "Refused: they may see no records"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the assessment approves access"},
    )
    scope_team = TeamChoiceField(
        label="Team whose records it covers",
        queryset=Team.objects.select_related("directorate"),
        empty_label="Choose a team",
        error_messages={"required": "Choose a team", "invalid_choice": "Choose a team"},
    )
    max_classification = forms.ChoiceField(
        label="Highest classification it covers",
        choices=Classification.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the highest classification it covers"},
    )
    review_due = DateInputField("Review date")


def _grant_label(grant: Any) -> str:
    actions = ", ".join(grant.action_list())
    until = grant.expires_at
    return (
        f"{grant.grantee.full_name}: case {grant.case.case_id} ({actions}), until {until:%d %b %Y}"
    )


def _allocation_label(allocation: Any) -> str:
    role = allocation.get_role_display().lower()
    return f"{allocation.staff.full_name}: case {allocation.case.case_id} as {role}"


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What is your decision?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to confirm, change or remove the access"},
    )
    remove_roles = forms.MultipleChoiceField(
        label="Roles to remove", required=False, widget=forms.CheckboxSelectMultiple
    )
    end_grants = forms.TypedMultipleChoiceField(
        label="Access grants to end",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    end_allocations = forms.TypedMultipleChoiceField(
        label="Allocations to end", required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, review: AccessReview, held: Holdings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            (AccessReview.Outcome.CONFIRMED, "Confirm it: this access is still right"),
            (AccessReview.Outcome.CHANGED, "Change it: end what I tick below"),
        ]
        if review.kind == AccessReview.Kind.MEMBER:
            choices.append(
                (
                    AccessReview.Outcome.ACCESS_REMOVED,
                    "Remove their access: end every grant and allocation",
                )
            )
        fields = self.fields
        fields["outcome"].choices = choices  # type: ignore[attr-defined]
        fields["remove_roles"].choices = held.roles  # type: ignore[attr-defined]
        fields["end_grants"].choices = [  # type: ignore[attr-defined]
            (g.pk, _grant_label(g)) for g in held.grants
        ]
        fields["end_allocations"].choices = [  # type: ignore[attr-defined]
            (a.pk, _allocation_label(a)) for a in held.allocations
        ]
        if review.kind != AccessReview.Kind.MEMBER:
            del fields["remove_roles"]

    def decision(self) -> Decision:
        data = self.cleaned_data
        return Decision(
            outcome=data["outcome"],
            remove_roles=frozenset(data.get("remove_roles") or ()),
            end_grants=frozenset(data.get("end_grants") or ()),
            end_allocations=frozenset(data.get("end_allocations") or ()),
            note=data.get("note", ""),
        )
