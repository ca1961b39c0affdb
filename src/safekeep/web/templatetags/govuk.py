"""Template helpers for GOV.UK Design System form fields (used by web/_field.html)."""

from __future__ import annotations

from django import forms, template
from django.utils.safestring import SafeString

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
