"""The case chronology: the record's spine, significant events by default, filterable."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safekeep.access.door import CaseAccess
from safekeep.access.vocabulary import Action
from safekeep.records import forms as record_forms
from safekeep.records import selectors
from safekeep.records.models import Entry
from safekeep.web.pages import error_summary
from safekeep.web.records.opening import case_page


@case_page(Action.VIEW, methods=("GET",))
def chronology(request: HttpRequest, access: CaseAccess) -> HttpResponse:
    """The entries in the order the contacts happened, through the case page's decision:
    what the person may see there, and nothing more."""
    query = request.GET.copy()
    query.setdefault("show", "significant")  # the default, shown chosen
    form = record_forms.ChronologyForm(query)
    shown = selectors.ChronologyFilter()
    summary: list[dict[str, str]] = []
    if form.is_valid():
        data = form.cleaned_data
        since, until = data["since"], data["until"]
        shown = selectors.ChronologyFilter(
            significant_only=data["show"] != "all",
            types=frozenset(data["types"]),
            since=since if isinstance(since, dt.date) else None,
            until=until if isinstance(until, dt.date) else None,
        )
    else:
        summary = error_summary(form)
    case = access.case
    return render(
        request,
        "records/chronology.html",
        {
            "page_title": f"Chronology for case {case.case_id}",
            "case": case,
            "person": selectors.subject_person(case.subject),
            "form": form,
            "error_summary": summary,
            "shown": shown,
            "entries": selectors.chronology(access=access, shown=shown) if not summary else [],
            "shown_words": shown_in_words(shown),
        },
        status=400 if summary else 200,
    )


def shown_in_words(shown: selectors.ChronologyFilter) -> str:
    """ "Significant events (home visits and phone calls only) from 1 September 2026, in the
    order they happened." """
    words = "Significant events" if shown.significant_only else "Every entry"
    if shown.types:
        labels = [
            str(label).lower() for value, label in Entry.EntryType.choices if value in shown.types
        ]
        words += f" ({', '.join(labels)} only)"
    if shown.since is not None:
        words += f" from {shown.since:%-d %B %Y}"
    if shown.until is not None:
        words += f" up to {shown.until:%-d %B %Y}"
    return words + ", in the order they happened."
