"""The day the FOI officer answers for: a GOV.UK date input (day, month, year)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone


class AsOfForm(forms.Form):
    """Empty: today. Errors name the field and say what to type."""

    day = forms.IntegerField(required=False, min_value=1, max_value=31)
    month = forms.IntegerField(required=False, min_value=1, max_value=12)
    year = forms.IntegerField(required=False, min_value=1900, max_value=9999)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            self.errors.clear()
            self.add_error("day", "Enter a real date, like 23 11 2026")
            return data
        parts = [data.get("day"), data.get("month"), data.get("year")]
        today = timezone.localdate()
        if not any(parts):
            data["as_of"] = today
            return data
        if not all(parts):
            missing = [
                name for name, part in zip(("day", "month", "year"), parts, strict=True) if not part
            ]
            self.add_error(missing[0], f"The date must include a {' and a '.join(missing)}")
            return data
        try:
            as_of = dt.date(int(parts[2] or 0), int(parts[1] or 0), int(parts[0] or 0))
        except ValueError:
            self.add_error("day", "Enter a real date, like 23 11 2026")
            return data
        if as_of > today:
            self.add_error("day", "The date must be today or in the past")
            return data
        data["as_of"] = as_of
        return data

    @classmethod
    def for_day(cls, day: dt.date) -> dict[str, str]:
        """The query that asks for `day` (the download links carry it)."""
        return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}
