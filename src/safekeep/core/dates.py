"""The GOV.UK date input as one form field: three boxes (day, month, year) in, a date out,
and the Design System's words for what is wrong ("The date of contact must include a
month"). Every date a person types into a page comes through here, so each form says what
the date is, not how to parse it.

The boxes post as `NAME_day`, `NAME_month` and `NAME_year`; the page draws them with
`{% govuk_date_input form.NAME %}` (web/templatetags/govuk.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

PARTS = ("day", "month", "year")


class ThreeBoxes(forms.MultiWidget):
    """Day, month and year as three text boxes named `NAME_day`, `NAME_month`, `NAME_year`."""

    def __init__(self) -> None:
        super().__init__(widgets={part: forms.TextInput() for part in PARTS})

    def decompress(self, value: Any) -> list[str]:
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        return ["", "", ""]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        """The three boxes; or, where a link or another system sends the date as one value
        (`as_of=2026-11-23`, ISO 8601), that date in them (anything else in it is not a real
        date)."""
        if name in data and not any(f"{name}_{part}" in data for part in PARTS):
            value = data[name]
            try:
                return self.decompress(dt.date.fromisoformat(str(value)))
            except ValueError:
                return [str(value)] * 3 if value else ["", "", ""]
        boxes: list[str] = super().value_from_datadict(data, files, name)
        return boxes

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and super().value_omitted_from_data(data, files, name)


EXAMPLE = "For example, 27 11 2026"


class DateInputField(forms.MultiValueField):
    """A date typed in three boxes. `what` names it in the errors ("the date of contact"; by
    default "the" and the label); `hint` is shown above the boxes."""

    widget = ThreeBoxes

    def __init__(
        self,
        label: str,
        *,
        what: str = "",
        hint: str = EXAMPLE,
        required: bool = True,
        **kwargs: Any,
    ) -> None:
        named = f"{label[:1].lower()}{label[1:]}"
        self.what = what = what or (named if named.startswith("the ") else f"the {named}")
        super().__init__(
            fields=tuple(forms.CharField(required=False) for _ in PARTS),
            require_all_fields=False,
            required=required,
            label=label,
            help_text=hint,
            error_messages={"required": f"Enter {what}"},  # the rest are compress()'s
            **kwargs,
        )

    def compress(self, data_list: list[str]) -> dt.date | None:
        parts = [(value or "").strip() for value in data_list] or ["", "", ""]
        if not any(parts):
            return None
        what = f"{self.what[0].upper()}{self.what[1:]}"
        missing = [name for name, value in zip(PARTS, parts, strict=True) if not value]
        if missing:
            raise ValidationError(f"{what} must include a {missing[0]}", code="incomplete")
        try:
            day, month, year = (int(part) for part in parts)
            if year < 1000:
                raise ValueError("a two-digit year")
            return dt.date(year, month, day)
        except ValueError:
            raise ValidationError(f"{what} must be a real date", code="invalid") from None
