"""The access reviews pages (team managers and information governance) and the volunteers'
risk assessments pages (volunteer managers and centre managers).

Thin: a role guard, one service call, a response. Every page is audited.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from safekeep.access.context import request_context
from safekeep.audit.writing import audit_event
from safekeep.organisation import assessments
from safekeep.organisation.models import EmploymentType, RiskAssessment, StaffMember
from safekeep.organisation.roles import RoleName
from safekeep.reviews import schedule, selectors, services
from safekeep.reviews.errors import ReviewError
from safekeep.reviews.models import AccessReview
from safekeep.web.decorators import role_required
from safekeep.web.errors import Refused
from safekeep.web.pages import form_page, origin_of, staff_of
from safekeep.web.reviews.forms import ReviewForm, RiskAssessmentForm

REVIEWERS = (RoleName.TEAM_MANAGER, RoleName.IG_OFFICER)
ASSESSORS = (RoleName.VOLUNTEER_MANAGER, RoleName.CENTRE_MANAGER)
SHOWN = 50  # restricted reviews listed at once, the soonest due first


def _seen(
    request: HttpRequest, action: str, object_type: str, object_id: str, subject_id: str = ""
) -> None:
    audit_event(
        origin=origin_of(request),
        action=action,
        decision="allowed",
        object_type=object_type,
        object_id=object_id,
        subject_id=subject_id,
    )


# --- access reviews -----------------------------------------------------------------------


@role_required(*REVIEWERS)
def review_list(request: HttpRequest) -> HttpResponse:
    """A team manager's reviews of their team this quarter (and any older still open); for
    information governance, the restricted reviews and every team's overdue reviews."""
    me = staff_of(request)
    today = timezone.localdate()
    quarter = schedule.quarter_of(today)
    roles = me.role_names()
    context: dict[str, object] = {"quarter": quarter, "today": today, "me": me}
    if RoleName.TEAM_MANAGER in roles:
        mine = selectors.reviews_for_manager(me)
        context["team_reviews"] = [
            (r, selectors.review_is_overdue(r, today))
            for r in mine.filter(period=quarter.key) | selectors.open_reviews(mine)
        ]
        context["team_overdue"] = selectors.overdue(mine, today).count()
        context["team_open"] = selectors.open_reviews(mine).count()
    if RoleName.IG_OFFICER in roles:
        restricted = selectors.restricted_reviews()
        waiting = selectors.open_reviews(restricted)
        context["restricted"] = [
            (r, selectors.review_is_overdue(r, today)) for r in waiting[:SHOWN]
        ]
        context["restricted_more"] = max(0, waiting.count() - SHOWN)
        context["restricted_done"] = restricted.exclude(outcome=AccessReview.Outcome.OPEN)[:10]
        context["overdue_members"] = list(selectors.overdue_member_reviews(today))
        context["restricted_overdue"] = selectors.overdue(restricted, today).count()
    _seen(request, "access_review.list", "page", "reviews")
    return render(request, "reviews/review_list.html", context)


@role_required(*REVIEWERS)
@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(
        AccessReview.objects.select_related("staff", "subject", "team"), pk=pk
    )
    me = staff_of(request)
    access_context = request_context(request)
    today = access_context.today
    refusal = services.reviewer_refusal(me, review, today)
    subject_id = review.subject.subject_id if review.subject else ""
    if refusal and request.method == "GET":
        audit_event(
            origin=origin_of(request),
            action="access_review.view",
            decision="refused",
            object_type=AccessReview.audit_type,
            object_id=str(review.pk),
            subject_id=subject_id,
            reasons=[refusal],
        )
        raise Refused(refusal)
    held = selectors.holdings(review, access_context.now)
    form = ReviewForm(request.POST or None, review=review, held=held)
    problem = None
    if request.method == "POST" and form.is_valid():
        try:
            services.review_decide(
                review=review,
                reviewer=me,
                decision=form.decision(),
                context=access_context,
                origin=origin_of(request),
            )
        except ReviewError as exc:
            problem = exc
        else:
            messages.success(request, f"Your review of {review.about} is recorded.")
            return redirect("reviews:list")
    if request.method == "GET":
        _seen(request, "access_review.view", AccessReview.audit_type, str(review.pk), subject_id)
    return form_page(
        request,
        "reviews/review_detail.html",
        form,
        problem,
        review=review,
        held=held,
        overdue=selectors.review_is_overdue(review, today),
    )


# --- volunteers' risk assessments ---------------------------------------------------------


@role_required(*ASSESSORS)
def assessment_list(request: HttpRequest) -> HttpResponse:
    """Every volunteer in post with their latest assessment; those due for review within 14
    days and those lapsed (which grant nothing) are flagged first."""
    today = timezone.localdate()
    rows = assessments.volunteer_assessments(today)
    _seen(request, "risk_assessment.list", "page", "volunteer-assessments")
    return render(
        request,
        "reviews/assessment_list.html",
        {
            "rows": rows,
            "lapsed": sum(1 for r in rows if r.state == assessments.AssessmentState.LAPSED),
            "due_soon": sum(1 for r in rows if r.state == assessments.AssessmentState.DUE_SOON),
            "due_soon_days": assessments.DUE_SOON_DAYS,
        },
    )


@role_required(*ASSESSORS)
@require_http_methods(["GET", "POST"])
def assessment_record(request: HttpRequest, staff_id: str) -> HttpResponse:
    volunteer = get_object_or_404(
        StaffMember.objects.select_related("team"),
        staff_id=staff_id,
        employment_type=EmploymentType.VOLUNTEER,
    )
    today = timezone.localdate()
    latest = assessments.latest_assessment(volunteer, today)
    initial: dict[str, object] = {"scope_team": volunteer.team_id}
    if latest is not None:
        initial = {
            "scope_team": latest.scope_team_id,
            "max_classification": latest.max_classification,
        }
    form = RiskAssessmentForm(request.POST or None, initial=initial)
    problem = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessments.risk_assessment_record(
                origin=origin_of(request),
                by=staff_of(request),
                volunteer=volunteer,
                outcome=data["outcome"],
                scope_team=data["scope_team"],
                max_classification=data["max_classification"],
                review_due=data["review_due"],
                today=today,
            )
        except assessments.AssessmentInvalid as exc:
            problem = exc
        else:
            messages.success(request, f"{volunteer.full_name}'s risk assessment is recorded.")
            return redirect("reviews:assessments")
    if request.method == "GET":
        _seen(request, "risk_assessment.view", "staff", volunteer.staff_id)
    history = RiskAssessment.objects.filter(staff=volunteer).select_related("scope_team")[:10]
    return form_page(
        request,
        "reviews/assessment_record.html",
        form,
        problem,
        volunteer=volunteer,
        latest=latest,
        state=assessments.assessment_state(latest.review_due, today) if latest else None,
        history=history,
    )
