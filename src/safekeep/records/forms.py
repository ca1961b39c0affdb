"""Page forms. They check shape only; the services decide what is allowed."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils import timezone

from safekeep.access.vocabulary import ACTIONS
from safekeep.access.wording import clock_time
from safekeep.core.dates import DateInputField
from safekeep.organisation.models import Team
from safekeep.records import details as person_details
from safekeep.records import nhs_number
from safekeep.records.details import Contact, KeyDate, PersonDetails
from safekeep.records.models import CaseClosure, Entry, Referral
from safekeep.records.services.entries import BODY_MAX, SEEN_MAX, TITLE_MAX
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


_CLOCK = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")


def parse_clock(text: str) -> dt.time | None:
    """A time as people type it: "14:30", "2:30pm", "2pm", "9.15am", "midday"; else None."""
    text = text.strip().lower().replace(" ", "")
    if text in {"midday", "noon"}:
        return dt.time(12, 0)
    if text == "midnight":
        return dt.time(0, 0)
    match = _CLOCK.match(text)
    if match is None:
        return None
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half is None and match[2] is None:
        return None  # "14" alone is not a time
    if half is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


class EntryForm(forms.Form):
    """A new entry: its type, when the contact happened (the GOV.UK date input's three boxes
    and a time, in the council's time zone), who was seen, the text and two flags."""

    entry_type = forms.ChoiceField(
        choices=Entry.EntryType.choices,
        widget=forms.RadioSelect,
        label="What kind of entry is it?",
        error_messages={"required": "Choose what kind of entry it is"},
    )
    contact = DateInputField(
        what="the date of contact",
        label="Date of contact",
        hint="When you saw or spoke to them, for example 27 11 2026. It cannot be in the future.",
    )
    contact_time = forms.CharField(required=False, max_length=10, label="Time")
    seen = forms.CharField(required=False, max_length=SEEN_MAX, label="Who was seen")
    title = forms.CharField(max_length=TITLE_MAX, error_messages={"required": "Enter a title"})
    body = forms.CharField(
        required=False,
        widget=forms.Textarea,
        max_length=BODY_MAX,
        label="What happened",
        error_messages=BODY_ERRORS,
    )
    significant = forms.BooleanField(required=False, label="Significant event")
    sensitive = forms.BooleanField(required=False, label="Sensitive")

    def __init__(self, *args: object, today: dt.date | None = None, **kwargs: object) -> None:
        """A new form starts on today's date (the time is left for the writer to give)."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not self.is_bound and today is not None:
            self.initial.setdefault("contact", today)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        day = data.get("contact")
        if not isinstance(day, dt.date):
            return data
        text = data.get("contact_time", "").strip()
        if not text:
            self.add_error("contact_time", "Enter the time of contact, for example 2:30pm")
            return data
        clock = parse_clock(text)
        if clock is None:
            self.add_error(
                "contact_time", "Enter a real time of contact, for example 2:30pm or 14:30"
            )
            return data
        zone = timezone.get_current_timezone()
        data["contact_at"] = dt.datetime.combine(day, clock).replace(tzinfo=zone)
        return data


class ChronologyForm(forms.Form):
    """The chronology's filters, from the query string: nothing chosen shows significant
    events of every type, all time."""

    show = forms.ChoiceField(
        required=False,
        choices=[("significant", "Significant events"), ("all", "Every entry")],
        widget=forms.RadioSelect,
        label="Show",
    )
    types = forms.MultipleChoiceField(
        required=False,
        choices=Entry.EntryType.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Entry types",
        error_messages={"invalid_choice": "Choose entry types from the list"},
    )
    since = DateInputField(
        what="the start date", label="From", hint="For example, 1 9 2026", required=False
    )
    until = DateInputField(
        what="the end date", label="To", hint="For example, 30 11 2026", required=False
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if isinstance(since, dt.date) and isinstance(until, dt.date) and since > until:
            self.add_error("until", "The end date must be the same as or after the start date")
        return data


class CloseCaseForm(forms.Form):
    """Closing a case: why (from the list, with words), and the day it closed."""

    reason = forms.ChoiceField(
        choices=CaseClosure.Reason.choices,
        widget=forms.RadioSelect,
        label="Why is the case closing?",
        error_messages={"required": "Choose why the case is closing"},
    )
    details = forms.CharField(
        required=False, widget=forms.Textarea, max_length=2000, label="More about why"
    )
    closed_on = DateInputField(
        what="the date the case closed",
        label="Date the case closed",
        hint="For example, 27 11 2026. It cannot be in the future.",
    )

    def __init__(self, *args: object, today: dt.date | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not self.is_bound and today is not None:
            self.initial["closed_on"] = today


class ReopenCaseForm(forms.Form):
    details = forms.CharField(
        widget=forms.Textarea,
        max_length=2000,
        label="Why is the case reopening?",
        error_messages={"required": "Enter why the case is reopening"},
    )


class EntryEditForm(EntryForm):
    """A new version of an entry: what the new-entry form takes (its type, the contact's
    date and time, who was seen, the text, significant) but the sensitive flag, which stays
    as it was; and a manager's reason for correcting someone else's entry."""

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
        del self.fields["sensitive"]
        if needs_reason:
            self.fields["reason"].required = True
        else:
            del self.fields["reason"]

    def clean(self) -> dict[str, object]:
        data = super().clean()
        data.setdefault("reason", "")
        return data


def edit_initial(entry: Entry, *, title: str, body: str, seen: str) -> dict[str, object]:
    """The edit form's starting values: the entry as it is, its contact in the council's
    time zone and in the words people type ("4:15pm")."""
    contact = timezone.localtime(entry.contact_at)
    return {
        "entry_type": entry.entry_type,
        "contact": contact.date(),
        "contact_time": clock_time(contact.time()),
        "seen": seen,
        "title": title,
        "body": body,
        "significant": entry.significant,
    }


class DocumentForm(forms.Form):
    title = forms.CharField(max_length=TITLE_MAX, error_messages={"required": "Enter a title"})
    file = forms.FileField(
        error_messages={"required": "Select a file", "empty": "The selected file is empty"}
    )
    sensitive = forms.BooleanField(required=False)


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


class GrantDecisionForm(DecisionForm):
    """A decision on a request for access; a refusal's reason is shown to the person who asked."""

    reason = forms.CharField(widget=forms.Textarea, required=False, max_length=2000)


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


# Blank rows offered below the ones already kept, so a contact or date can be added.
SPARE_ROWS = 2


class DetailsForm(forms.Form):
    """The person's details, with rows for contacts and key dates: the kept ones first, then
    `SPARE_ROWS` blank ones. One form (not formsets), so one error summary names every
    problem."""

    alerts = forms.CharField(
        required=False,
        widget=forms.Textarea,
        max_length=2000,
        label="Alerts",
    )
    address = forms.CharField(required=False, widget=forms.Textarea, max_length=500)
    nhs_number = forms.CharField(required=False, max_length=20, label="NHS number")
    legal = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Legal status"
    )
    first_language = forms.CharField(required=False, max_length=100, label="First language")
    interpreter_needed = forms.BooleanField(required=False, label="Needs an interpreter")
    communication_needs = forms.CharField(
        required=False, widget=forms.Textarea, max_length=2000, label="Communication needs"
    )

    def __init__(self, *args: object, kind: str, kept: PersonDetails, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["legal"].choices = list(person_details.statuses_for(kind).items())  # type: ignore[attr-defined]
        self.contact_rows = len(kept.contacts) + SPARE_ROWS
        self.date_rows = len(kept.key_dates) + SPARE_ROWS
        for i in range(self.contact_rows):
            self.fields[f"contact_{i}_name"] = forms.CharField(
                required=False, max_length=200, label="Name"
            )
            self.fields[f"contact_{i}_relationship"] = forms.CharField(
                required=False, max_length=100, label="Relationship"
            )
            self.fields[f"contact_{i}_phone"] = forms.CharField(
                required=False, max_length=40, label="Phone"
            )
            self.fields[f"contact_{i}_lives_with"] = forms.BooleanField(
                required=False, label="Lives with them"
            )
            self.fields[f"contact_{i}_do_not_contact"] = forms.BooleanField(
                required=False, label="Must not be contacted"
            )
        for i in range(self.date_rows):
            self.fields[f"date_{i}_what"] = forms.CharField(
                required=False, max_length=200, label="What"
            )
            self.fields[f"date_{i}_on"] = DateInputField(
                what="the date", label="Date", hint="For example, 14 1 2027", required=False
            )
        if not self.is_bound:
            self.initial = initial_of(kept)

    def contacts(self) -> list[list[forms.BoundField]]:
        """Each contact row's fields, in order, for the template."""
        parts = ("name", "relationship", "phone", "lives_with", "do_not_contact")
        return [[self[f"contact_{i}_{p}"] for p in parts] for i in range(self.contact_rows)]

    def key_dates(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"date_{i}_what"], self[f"date_{i}_on"]) for i in range(self.date_rows)]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        for i in range(self.date_rows):
            named, dated = data.get(f"date_{i}_what", "").strip(), data.get(f"date_{i}_on")
            if named and not dated and f"date_{i}_on" not in self.errors:
                self.add_error(f"date_{i}_on", "Enter the date")
        return data

    def details(self) -> PersonDetails:
        """The details as typed (the service checks and tidies them)."""
        data = self.cleaned_data
        return PersonDetails(
            address=data["address"],
            contacts=tuple(
                Contact(
                    name=data[f"contact_{i}_name"].strip(),
                    relationship=data[f"contact_{i}_relationship"].strip(),
                    phone=data[f"contact_{i}_phone"].strip(),
                    lives_with=data[f"contact_{i}_lives_with"],
                    do_not_contact=data[f"contact_{i}_do_not_contact"],
                )
                for i in range(self.contact_rows)
            ),
            nhs_number=data["nhs_number"],
            legal_statuses=tuple(data["legal"]),
            key_dates=tuple(
                KeyDate(data[f"date_{i}_what"].strip(), data[f"date_{i}_on"])
                for i in range(self.date_rows)
                if data[f"date_{i}_on"]
            ),
            first_language=data["first_language"].strip(),
            interpreter_needed=data["interpreter_needed"],
            communication_needs=data["communication_needs"].strip(),
            alerts=tuple(data["alerts"].splitlines()),
        )


def initial_of(kept: PersonDetails) -> dict[str, object]:
    """The form's starting values: what is kept now."""
    initial: dict[str, object] = {
        "alerts": "\n".join(kept.alerts),
        "address": kept.address,
        "nhs_number": nhs_number.formatted(kept.nhs_number),
        "legal": list(kept.legal_statuses),
        "first_language": kept.first_language,
        "interpreter_needed": kept.interpreter_needed,
        "communication_needs": kept.communication_needs,
    }
    for i, contact in enumerate(kept.contacts):
        initial.update(
            {
                f"contact_{i}_name": contact.name,
                f"contact_{i}_relationship": contact.relationship,
                f"contact_{i}_phone": contact.phone,
                f"contact_{i}_lives_with": contact.lives_with,
                f"contact_{i}_do_not_contact": contact.do_not_contact,
            }
        )
    for i, key_date in enumerate(kept.key_dates):
        initial[f"date_{i}_what"] = key_date.what
        initial[f"date_{i}_on"] = key_date.on
    return initial
