"""The reusable form partials other pages include: error summary and field."""

from __future__ import annotations

from django import forms
from django.template import Context, Template


class ExampleForm(forms.Form):
    name = forms.CharField(label="Full name", error_messages={"required": "Enter a full name"})
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A")])


TEMPLATE = Template(
    '{% include "web/_error_summary.html" with form=form %}'
    '{% include "web/_field.html" with field=form.name hint="As on their badge" %}'
    '{% include "web/_field.html" with field=form.notes %}'
    '{% include "web/_field.html" with field=form.kind %}'
)


def test_valid_form_renders_no_errors() -> None:
    html = TEMPLATE.render(Context({"form": ExampleForm({"name": "Ann", "kind": "a"})}))
    assert "There is a problem" not in html
    assert 'class="govuk-input"' in html
    assert 'class="govuk-textarea"' in html
    assert 'class="govuk-select"' in html
    assert '<div id="id_name-hint" class="govuk-hint">As on their badge</div>' in html
    assert 'aria-describedby="id_name-hint"' in html


def test_errors_follow_the_gov_uk_pattern() -> None:
    html = TEMPLATE.render(Context({"form": ExampleForm({"kind": "zzz"})}))
    assert '<h2 class="govuk-error-summary__title">There is a problem</h2>' in html
    assert '<li><a href="#id_name">Enter a full name</a></li>' in html
    assert html.count("govuk-form-group--error") == 2
    assert (
        '<p id="id_name-error" class="govuk-error-message">'
        '<span class="govuk-visually-hidden">Error:</span> Enter a full name</p>'
    ) in html
    assert 'class="govuk-input govuk-input--error"' in html
    assert 'aria-describedby="id_name-hint id_name-error"' in html
    assert "govuk-select--error" in html
