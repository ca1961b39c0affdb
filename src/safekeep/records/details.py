"""A person's details beyond their name: where they live, who is around them, their legal
status, key dates, how to talk with them, and the alerts a visitor must read first.

Held as one value, sealed as a whole under the subject's key (`records.sealing`): only the
NHS number's blind index sits beside it in the clear. Pure Python, so the forms, services,
selectors and demo share one shape.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from safekeep.records import nhs_number

# Legal statuses in the words social workers use (DESIGN.md's children's and adults' services).
CHILD_STATUSES: dict[str, str] = {
    "child_in_need": "Child in need",
    "child_protection_plan": "Child protection plan",
    "looked_after": "Looked after",
    "care_leaver": "Care leaver",
}
ADULT_STATUSES: dict[str, str] = {
    "care_and_support_plan": "Care and support plan",
    "safeguarding_enquiry": "Safeguarding enquiry (section 42)",
    "deprivation_of_liberty": "Deprivation of liberty safeguards",
}
LEGAL_STATUSES: dict[str, str] = {**CHILD_STATUSES, **ADULT_STATUSES}


def statuses_for(kind: str) -> dict[str, str]:
    """The legal statuses that apply to a child, or to an adult (a staff subject: none)."""
    return {"child": CHILD_STATUSES, "adult": ADULT_STATUSES}.get(kind, {})


@dataclass(frozen=True, slots=True)
class Contact:
    """Someone around the person: who lives with them, and who must not be contacted."""

    name: str
    relationship: str = ""
    phone: str = ""
    lives_with: bool = False
    do_not_contact: bool = False


@dataclass(frozen=True, slots=True)
class KeyDate:
    """A date the record turns on, e.g. "Child protection review" on 14 January 2027."""

    what: str
    on: dt.date


@dataclass(frozen=True, slots=True)
class PersonDetails:
    address: str = ""
    contacts: tuple[Contact, ...] = ()
    nhs_number: str = ""  # ten digits, validated (records.nhs_number), or ""
    legal_statuses: tuple[str, ...] = ()  # keys of LEGAL_STATUSES
    key_dates: tuple[KeyDate, ...] = ()
    first_language: str = ""
    interpreter_needed: bool = False
    communication_needs: str = ""
    alerts: tuple[str, ...] = field(default=())

    @property
    def legal_status_words(self) -> list[str]:
        return [LEGAL_STATUSES.get(code, code) for code in self.legal_statuses]

    @property
    def nhs_number_shown(self) -> str:
        return nhs_number.formatted(self.nhs_number)

    @property
    def lives_with(self) -> list[Contact]:
        return [contact for contact in self.contacts if contact.lives_with]

    @property
    def do_not_contact(self) -> list[Contact]:
        return [contact for contact in self.contacts if contact.do_not_contact]

    def to_json(self) -> str:
        value = asdict(self)
        value["key_dates"] = [{"what": d.what, "on": d.on.isoformat()} for d in self.key_dates]
        return json.dumps(value, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> PersonDetails:
        value: dict[str, Any] = json.loads(text)
        return cls(
            address=value.get("address", ""),
            contacts=tuple(Contact(**c) for c in value.get("contacts", [])),
            nhs_number=value.get("nhs_number", ""),
            legal_statuses=tuple(value.get("legal_statuses", [])),
            key_dates=tuple(
                KeyDate(d["what"], dt.date.fromisoformat(d["on"]))
                for d in value.get("key_dates", [])
            ),
            first_language=value.get("first_language", ""),
            interpreter_needed=bool(value.get("interpreter_needed", False)),
            communication_needs=value.get("communication_needs", ""),
            alerts=tuple(value.get("alerts", [])),
        )
