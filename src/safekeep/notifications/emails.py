"""What each email says: the item by case reference, what happened, and the link to the page
where the recipient deals with it. Never anything from the record, a person's name, or
anyone's reasons: those are on the page, behind sign-in (docs/notifications.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from safekeep.access.wording import minutes
from safekeep.governance.alerts import Alert
from safekeep.notifications.sending import Email
from safekeep.organisation.models import StaffMember
from safekeep.organisation.roles import RoleName
from safekeep.records.models import AccessGrant, BreakGlass, Referral

FOOTER = (
    "\n\nThis email never carries anything from the record. Sign in to Safekeep to see it."
    "\n\nSafekeep\n"
)


def link(url_name: str, fragment: str = "") -> str:
    return f"{settings.SAFEKEEP_BASE_URL}{reverse(url_name)}{fragment}"


def _email(to: StaffMember, subject: str, text: str, item: str, item_id: object) -> Email:
    return Email(
        staff_id=to.staff_id,
        address=to.email,
        subject=subject,
        body=text + FOOTER,
        object_type=item,
        object_id=str(item_id),
    )


def _when(moment: dt.datetime) -> str:
    return minutes(timezone.localtime(moment))


def ig_officers_in_post(*, today: dt.date, besides: Iterable[str] = ()) -> list[StaffMember]:
    """Every information governance officer in post today, but the people named (by staff
    id): the one who used break-glass, or the one an alert is about."""
    return list(
        StaffMember.objects.active_on(today)
        .with_role(RoleName.IG_OFFICER)
        .exclude(staff_id__in=list(besides))
        .distinct()
        .order_by("staff_id")
    )


def grant_decided(grant: AccessGrant, *, by_information_governance: bool) -> Email:
    """To the person who asked: approved until when, or refused (the reason is on the page)."""
    case_id = grant.case.case_id
    by = "information governance" if by_information_governance else "the team manager"
    where = link("records:my-requests", f"#request-{grant.pk}")
    if grant.status == AccessGrant.Status.APPROVED:
        subject = f"Your request for access to case {case_id} was approved"
        text = (
            f"Your request for access to case {case_id} was approved by {by} "
            f"until {_when(grant.expires_at)}.\n\nSee it in My requests: {where}"
        )
    else:
        subject = f"Your request for access to case {case_id} was refused"
        text = (
            f"Your request for access to case {case_id} was refused by {by}.\n\n"
            f"See why in My requests: {where}"
        )
    return _email(grant.grantee, subject, text, "accessgrant", grant.pk)


def referral_made(referral: Referral) -> list[Email]:
    """To each manager of the receiving team: a referral or transfer waits for them."""
    case_id, kind = referral.case.case_id, referral.get_kind_display().lower()
    subject = f"A {kind} of case {case_id} is waiting for your team"
    text = (
        f"Case {case_id} has been sent to {referral.to_team.name} as a {kind}. "
        f"Accept or decline it in Referrals and transfers: {link('records:referrals')}"
    )
    managers = StaffMember.objects.filter(grants__referral=referral).distinct().order_by("staff_id")
    return [_email(manager, subject, text, "referral", referral.pk) for manager in managers]


def break_glass_used(glass: BreakGlass) -> list[Email]:
    """To every IG officer in post but the person who used it: a use to review."""
    case_id = glass.case.case_id
    subject = f"Break-glass was used to open case {case_id}"
    text = (
        f"Break-glass was used to open case {case_id} at {_when(glass.started_at)}. "
        f"Review it in Break-glass reviews: {link('records:break-glass-queue')}"
    )
    officers = ig_officers_in_post(
        today=timezone.localdate(glass.started_at), besides=[glass.staff.staff_id]
    )
    return [_email(officer, subject, text, "breakglass", glass.pk) for officer in officers]


def alert_raised(alert: Alert, rule_name: str, officers: Iterable[StaffMember]) -> list[Email]:
    """To every IG officer given but the person the alert is about. The alert's title names
    people, so the email gives only its rule."""
    subject = "A new anomaly alert on the IG dashboard"
    text = (
        f"The rule \u201c{rule_name}\u201d raised a new alert. "
        f"Triage it on the IG dashboard: {link('audit:dashboard', '#section-alerts')}"
    )
    alert_id = f"{alert.rule}:{alert.key}"[:80]
    return [
        _email(officer, subject, text, "alert", alert_id)
        for officer in officers
        if officer.staff_id != alert.staff_id
    ]
