"""The FOI officer's page: the questionnaire answered from live data, for any past day, and
the same answers as a letter (PDF, HTML) or data (CSV, JSON) to download. FOI officers and
information governance only (the door's `foi_report_access`); every view and download is
audited by the service."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from safekeep.access import door
from safekeep.access.context import request_context
from safekeep.governance.foi.documents import FORMATS
from safekeep.governance.foi.forms import AsOfForm
from safekeep.governance.foi.letter import TITLE, answered, day_words
from safekeep.governance.foi.questions import ABOUT_THESE_EMPLOYEES
from safekeep.governance.foi.services import foi_report_download, foi_report_read
from safekeep.web.decorators import verified_staff_required
from safekeep.web.pages import origin_of, refusal_page, staff_of

DOWNLOADS = (
    ("pdf", "Response letter (PDF)", "Each question quoted in full, then its answer in words."),
    ("html", "Response letter (HTML)", "The same letter, to paste into a reply."),
    ("csv", "Figures (CSV)", "One row per figure, for a spreadsheet."),
    ("json", "Figures (JSON)", "The report's data form, for other systems."),
)


def _asked(request: HttpRequest) -> tuple[door.DutyAccess, AsOfForm] | HttpResponse:
    """The door's answer and the day asked for, or the page to answer with instead: the
    refusal, or the form again with its problem (400)."""
    try:
        access = door.foi_report_access(
            staff=staff_of(request), context=request_context(request), origin=origin_of(request)
        )
    except door.AccessRefused as refusal:
        return refusal_page(request, refusal)
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "governance/foi_report.html",
            {"page_title": "FOI report", "form": form, "answers": None},
            status=400,
        )
    return access, form


@verified_staff_required
def foi_report(request: HttpRequest) -> HttpResponse:
    asked = _asked(request)
    if isinstance(asked, HttpResponse):
        return asked
    access, form = asked
    as_of = form.cleaned_data["as_of"]
    report = foi_report_read(origin=access.origin, as_of=as_of)
    query = urlencode(AsOfForm.for_day(as_of))
    return render(
        request,
        "governance/foi_report.html",
        {
            "page_title": "FOI report",
            "title": TITLE,
            "form": form,
            "day": day_words(as_of),
            "answers": answered(report),
            "about_these_employees": ABOUT_THESE_EMPLOYEES,
            "downloads": [
                {
                    "label": label,
                    "description": description,
                    "url": f"{reverse('governance:foi-download', args=[fmt])}?{query}",
                }
                for fmt, label, description in DOWNLOADS
            ],
        },
    )


@verified_staff_required
def foi_download(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("no such format")
    asked = _asked(request)
    if isinstance(asked, HttpResponse):
        return asked
    access, form = asked
    document = foi_report_download(origin=access.origin, as_of=form.cleaned_data["as_of"], fmt=fmt)
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    return response
