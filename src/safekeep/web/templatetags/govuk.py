"""Template helpers for GOV.UK Design System form fields (used by web/_field.html)."""

from __future__ import annotations

import functools
from typing import Any

import jinja2
from django import forms, template
from django.utils.safestring import SafeString, mark_safe
from govuk_frontend_django.components.base import FieldsetLegend
from govuk_frontend_django.components.date_input import DateInputItems, GovUKDateInput
from govuk_frontend_django.components.error_message import GovUKErrorMessage
from govuk_frontend_django.components.fieldset import GovUKFieldset
from govuk_frontend_django.components.hint import GovUKHint

from safekeep.core.dates import PARTS, DateInputField, ThreeBoxes

register = template.Library()


def _classes_for(widget: forms.Widget) -> tuple[str, str]:
    if isinstance(widget, forms.Textarea):
        return "govuk-textarea", "govuk-textarea--error"
    if isinstance(widget, forms.Select):
        return "govuk-select", "govuk-select--error"
    return "govuk-input", "govuk-input--error"


@register.simple_tag
def govuk_widget(field: forms.BoundField, classes: str = "", hint: str = "") -> SafeString:
    """The field's input with GOV.UK classes and aria-describedby pointing at hint and error."""
    base, error_class = _classes_for(field.field.widget)
    existing = str(field.field.widget.attrs.get("class", ""))
    names = [base, *existing.split(), *classes.split()]
    described_by = []
    if hint or field.help_text:
        described_by.append(f"{field.auto_id}-hint")
    if field.errors:
        names.append(error_class)
        described_by.append(f"{field.auto_id}-error")
    attrs: dict[str, str | bool] = {"class": " ".join(dict.fromkeys(names))}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)


_BOX_WIDTHS = {"day": "govuk-input--width-2", "month": "govuk-input--width-2",
               "year": "govuk-input--width-4"}  # fmt: skip


@register.filter
def is_date_input(field: forms.BoundField) -> bool:
    return isinstance(field.field, DateInputField)


@register.simple_tag
def govuk_date_input(field: forms.BoundField, legend: str = "", hint: str = "") -> SafeString:
    """A `DateInputField` as GOV.UK Frontend's own date input (govuk-frontend-django renders
    the Design System's macro, so the markup follows GOV.UK Frontend, not a copy of it).
    The day box carries the field's id, so the error summary's link lands on it."""
    values = field.value()
    if not isinstance(values, list | tuple):
        values = ThreeBoxes().decompress(values)
    error = " ".join(str(message) for message in field.errors)
    items = [
        DateInputItems(
            id=field.auto_id if part == "day" else f"{field.auto_id}_{part}",
            name=f"{field.html_name}_{part}",
            label=part.capitalize(),  # type: ignore[arg-type]  # the macro takes words here
            value=str(value or ""),
            classes=_BOX_WIDTHS[part] + (" govuk-input--error" if error else ""),
        )
        for part, value in zip(PARTS, values, strict=True)
    ]
    words = hint or str(field.help_text)
    component = GovUKDateInput(
        id=f"{field.auto_id}-boxes",
        items=items,
        fieldset=GovUKFieldset(
            legend=FieldsetLegend(
                text=legend or str(field.label),
                classes="govuk-fieldset__legend--s",
                isPageHeading=False,
            )
        ),
        hint=GovUKHint(text=words) if words else None,  # ids: the macro's, from `id`
        errorMessage=GovUKErrorMessage(text=error, visuallyHiddenText="Error") if error else None,
    )
    return mark_safe(_render(component))  # noqa: S308  # nosec B308 B703 # Jinja escapes each value


# The library's own render() makes a Jinja environment and compiles the macros on every
# call (about 0.1 s a date input); this one environment keeps them compiled. The same
# loader and autoescaping as the library's.
_JINJA = jinja2.Environment(
    loader=jinja2.PrefixLoader(
        {"govuk_frontend_jinja": jinja2.PackageLoader("govuk_frontend_jinja")}
    ),
    autoescape=jinja2.select_autoescape(default_for_string=True),
)


@functools.cache
def _compiled(source: str) -> jinja2.Template:
    return _JINJA.from_string(source)


def _without_nones(value: Any) -> Any:
    """The component's data as the macros expect it: unset options absent, not None."""
    if isinstance(value, dict):
        return {key: _without_nones(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nones(item) for item in value]
    return value


def _render(component: GovUKDateInput) -> str:
    source: str = component.build_jinja_template()  # type: ignore[no-untyped-call]
    return _compiled(source).render(data=_without_nones(dict(component.__dict__)))
