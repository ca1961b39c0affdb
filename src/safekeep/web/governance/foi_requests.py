"""The FOI officer's request pages: the register with its filters, clocks and statistics,
logging a request, each request's page (answers, pre-filling, the clock, the response,
reviews), its letter, and the disclosure log (page and CSV). FOI officers and information
governance only (the door's `foi_report_access`); thin: the door decides, a service writes."""

from __future__ import annotations

import csv
import io
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safekeep.access import door
from safekeep.access.context import request_context
from safekeep.audit.selectors import spreadsheet_safe
from safekeep.core.middleware import self_styled_policy
from safekeep.governance.errors import GovernanceError
from safekeep.governance.foi import forms as foi_forms
from safekeep.governance.foi import register
from safekeep.governance.foi import requests as services
from safekeep.governance.foi.exemptions import EXEMPTIONS, exemption_codes
from safekeep.governance.foi.response import LETTER_FORMATS, response_document
from safekeep.governance.foi.sealing import open_requester
from safekeep.governance.models import FoiRequest, FoiReview
from safekeep.web.decorators import verified_staff_required
from safekeep.web.governance.dashboard import month_chart
from safekeep.web.pages import error_summary, origin_of, refusal_page, staff_of

STATUSES = FoiRequest.Status.choices


def _door(request: HttpRequest) -> door.DutyAccess | HttpResponse:
    try:
        return door.foi_report_access(
            staff=staff_of(request), context=request_context(request), origin=origin_of(request)
        )
    except door.AccessRefused as refusal:
        return refusal_page(request, refusal)


@verified_staff_required
def foi_request_list(request: HttpRequest) -> HttpResponse:
    access = _door(request)
    if isinstance(access, HttpResponse):
        return access
    today = access.context.today
    form = foi_forms.FoiFilterForm(request.GET or None, statuses=STATUSES)
    status = flag = ""
    if form.is_valid():
        status, flag = form.cleaned_data["status"], form.cleaned_data["flag"]
    rows = register.foi_requests(today=today, status=status, flag=flag)
    stats = register.foi_statistics(today=today)
    services.foi_request_seen(access=access, request=None, shown_as="list")
    return render(
        request,
        "governance/foi_requests.html",
        {
            "page_title": "FOI requests",
            "form": form,
            "rows": rows,
            "stats": stats,
            "exemption_names": EXEMPTIONS,
            "chart": month_chart(
                "foi-requests",
                "FOI requests received per month",
                stats.per_month,
                series="Requests",
                empty="No requests received in the last 12 months.",
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@verified_staff_required
def foi_request_new(request: HttpRequest) -> HttpResponse:
    access = _door(request)
    if isinstance(access, HttpResponse):
        return access
    officers = {str(s.pk): s for s in register.foi_officers(access.context.today)}
    form = foi_forms.FoiRequestForm(
        request.POST if request.method == "POST" else None,
        officers=[(pk, s.full_name) for pk, s in officers.items()],
    )
    problem: GovernanceError | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            logged = services.foi_request_log(
                access=access,
                reference=data["reference"],
                received_on=data["received_on"],
                requester_name=data["requester_name"],
                requester_contact=data["requester_contact"],
                questions=foi_forms.split_questions(data["questions"]),
                assigned_to=officers.get(data["assigned_to"]),
            )
        except GovernanceError as exc:
            problem = exc
        else:
            messages.success(request, f"Request {logged.reference} logged")
            return redirect("governance:foi-request", pk=logged.pk)
    summary = error_summary(form, problem) if request.method == "POST" else []
    return render(
        request,
        "governance/foi_request_new.html",
        {"page_title": "Log an FOI request", "form": form, "error_summary": summary},
        status=400 if summary else 200,
    )


DETAIL_FORMS = (
    "answer",
    "prefill",
    "pause",
    "restart",
    "extend",
    "respond",
    "review",
    "decide",
    "ico",
)


def _forms(posted: HttpRequest, which: str, foi: FoiRequest) -> dict[str, forms.Form]:
    def data(name: str) -> Any:
        return posted.POST if name == which else None

    today = request_context(posted).today
    return {
        "prefill": foi_forms.PrefillForm(
            data("prefill"), initial={"as_of": foi.responded_on or today}
        ),
        "pause": foi_forms.PauseForm(data("pause"), initial={"started_on": today}),
        "restart": foi_forms.RestartForm(data("restart"), initial={"answered_on": today}),
        "extend": foi_forms.ExtendForm(data("extend")),
        "respond": foi_forms.RespondForm(data("respond"), initial={"responded_on": today}),
        "review": foi_forms.ReviewForm(data("review"), initial={"requested_on": today}),
        "decide": foi_forms.DecideForm(
            data("decide"),
            outcomes=[c for c in FoiReview.Outcome.choices if c[0]],
            initial={"decided_on": today},
        ),
        "ico": foi_forms.IcoForm(data("ico")),
    }


def _answer_forms(
    posted: HttpRequest, which: str, foi: FoiRequest
) -> list[tuple[Any, foi_forms.AnswerForm]]:
    chosen = posted.POST.get("position") if which == "answer" else None
    return [
        (
            question,
            foi_forms.AnswerForm(
                posted.POST if chosen == str(question.position) else None,
                exemptions=EXEMPTIONS,
                prefix=f"q{question.position}",
                initial={
                    "position": question.position,
                    "answer": question.answer,
                    "exemptions": exemption_codes(question.exemptions),
                },
            ),
        )
        for question in foi.questions.all()
    ]


@require_http_methods(["GET", "POST"])
@verified_staff_required
def foi_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = _door(request)
    if isinstance(access, HttpResponse):
        return access
    foi = register.foi_request_get(pk)
    if foi is None:
        raise Http404("No such request")
    which = request.POST.get("form", "") if request.method == "POST" else ""
    if request.method == "POST" and which not in DETAIL_FORMS:
        raise Http404("No such form")
    found = _forms(request, which, foi)
    answers = _answer_forms(request, which, foi)
    failed: forms.Form | None = None
    if which:
        form = found.get(which) or next(
            (f for q, f in answers if f.is_bound),
            foi_forms.AnswerForm(request.POST, exemptions=EXEMPTIONS),
        )
        if form.is_valid():
            try:
                done = _change(access, foi, which, form.cleaned_data)
            except GovernanceError as exc:
                failed = form
                summary = error_summary(form, exc)
            else:
                messages.success(request, done)
                return redirect("governance:foi-request", pk=foi.pk)
        else:
            failed = form
            summary = error_summary(form)
    else:
        summary = []
    services.foi_request_seen(access=access, request=foi, shown_as="page")
    name, contact = open_requester(foi)
    clock = register.clock_of(foi)
    reviews = [(review, register.review_due(review)) for review in foi.reviews.all()]
    return render(
        request,
        "governance/foi_request.html",
        {
            "page_title": f"FOI request {foi.reference}",
            "foi": foi,
            "requester": {"name": name, "contact": contact},
            "clock": clock,
            "flag": register.flag_of(foi, clock, access.context.today),
            "answers": answers,
            "forms": found,
            "reviews": reviews,
            "open_pause": next((p for p in foi.pauses.all() if p.answered_on is None), None),
            "is_open": foi.status in {FoiRequest.Status.OPEN, FoiRequest.Status.ON_HOLD},
            "failed": which if failed is not None else "",
            "error_summary": summary,
            "letter_formats": LETTER_FORMATS,
        },
        status=400 if summary else 200,
    )


def _review(foi: FoiRequest) -> FoiReview:
    review = foi.reviews.order_by("-requested_on", "-pk").first()
    if review is None:
        raise GovernanceError("There is no review to record this against", field="outcome")
    return review


def _change(access: door.DutyAccess, foi: FoiRequest, which: str, data: dict[str, Any]) -> str:
    """Carry out one of the page's forms; the words to show once it is done."""
    if which == "answer":
        question = foi.questions.filter(position=data["position"]).first()
        if question is None:
            raise Http404("No such question")
        services.foi_question_answer(
            access=access, question=question, answer=data["answer"], exemptions=data["exemptions"]
        )
        return f"Answer to question {question.position} saved"
    if which == "prefill":
        filled = services.foi_request_prefill(access=access, request=foi, as_of=data["as_of"])
        return f"{filled} answer{'s' if filled != 1 else ''} pre-filled from Safekeep's records"
    if which == "pause":
        services.foi_request_pause(
            access=access, request=foi, kind=data["kind"], started_on=data["started_on"]
        )
        return "The clock is stopped until the requester answers"
    if which == "restart":
        services.foi_request_restart(access=access, request=foi, answered_on=data["answered_on"])
        return "The clock is running again"
    if which == "extend":
        services.foi_request_extend(
            access=access,
            request=foi,
            extended_to=data["extended_to"],
            reason=data["extension_reason"],
        )
        return "Extension recorded"
    if which == "respond":
        services.foi_request_respond(
            access=access, request=foi, responded_on=data["responded_on"], publish=data["publish"]
        )
        return "Response recorded"
    if which == "review":
        services.foi_review_request(
            access=access,
            request=foi,
            requested_on=data["requested_on"],
            grounds=data["grounds"],
            late_reason=data["late_reason"],
        )
        return "Internal review logged"
    if which == "decide":
        services.foi_review_decide(
            access=access,
            review=_review(foi),
            outcome=data["outcome"],
            decided_on=data["decided_on"],
        )
        return "Review outcome recorded"
    services.foi_review_ico(
        access=access,
        review=_review(foi),
        complained_on=data["ico_complained_on"],
        decision=data["ico_decision"],
    )
    return "Complaint to the ICO recorded"


@verified_staff_required
def foi_request_letter(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in LETTER_FORMATS:
        raise Http404("no such format")
    access = _door(request)
    if isinstance(access, HttpResponse):
        return access
    foi = register.foi_request_get(pk)
    if foi is None:
        raise Http404("No such request")
    document = response_document(foi, dated=foi.responded_on or access.context.today, fmt=fmt)
    services.foi_request_seen(access=access, request=foi, shown_as=f"letter.{fmt}")
    response = HttpResponse(document.content, content_type=document.content_type)
    if fmt == "pdf":
        response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    else:
        response["Content-Security-Policy"] = self_styled_policy(document.content.decode())
    return response


LOG_COLUMNS = (
    "reference",
    "received_on",
    "responded_on",
    "on_time",
    "question",
    "answer",
    "exemptions",
)


def _log_rows() -> list[dict[str, Any]]:
    rows = []
    for foi in register.disclosure_log():
        clock = register.clock_of(foi)
        for question in foi.questions.all():
            rows.append(
                {
                    "reference": foi.reference,
                    "received_on": foi.received_on,
                    "responded_on": foi.responded_on,
                    "on_time": "yes" if clock.on_time else "no",
                    "question": question.text,
                    "answer": question.answer,
                    "exemptions": ";".join(exemption_codes(question.exemptions)),
                }
            )
    return rows


@verified_staff_required
def foi_disclosure_log(request: HttpRequest) -> HttpResponse:
    access = _door(request)
    if isinstance(access, HttpResponse):
        return access
    services.foi_request_seen(access=access, request=None, shown_as="disclosure_log")
    return render(
        request,
        "governance/foi_disclosure_log.html",
        {"page_title": "FOI disclosure log", "rows": _log_rows()},
    )


@verified_staff_required
def foi_disclosure_log_csv(request: HttpRequest) -> HttpResponse:
    access = _door(request)
    if isinstance(access, HttpResponse):
        return access
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(LOG_COLUMNS)
    for row in _log_rows():
        writer.writerow([spreadsheet_safe(str(row[column] or "")) for column in LOG_COLUMNS])
    services.foi_request_seen(access=access, request=None, shown_as="disclosure_log.csv")
    response = HttpResponse(out.getvalue().encode(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="foi-disclosure-log.csv"'
    return response
