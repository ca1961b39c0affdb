"""Referrals and transfers: the receiving team's manager has access while one is open."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from safekeep.access.door import CaseAccess, DutyAccess
from safekeep.access.vocabulary import MIN_REASON_LENGTH, Action, Duty
from safekeep.organisation.models import StaffMember, Team
from safekeep.organisation.roles import RoleName
from safekeep.records import signals
from safekeep.records.models import AccessGrant, Referral
from safekeep.records.services._recording import record_change, require_allowed
from safekeep.records.services.closure import check_open
from safekeep.records.services.errors import RecordsError

REFERRAL_GRANT_ACTIONS = (Action.VIEW, Action.ADD_ENTRY)
# A referral grant lasts while the referral is open; this is only its outer limit.
REFERRAL_GRANT_DAYS = 365


def team_managers(team: Team, *, today: dt.date) -> list[StaffMember]:
    return list(
        StaffMember.objects.active_on(today)
        .filter(team=team, roles__role=RoleName.TEAM_MANAGER)
        .order_by("staff_id")
    )


def referral_create(*, access: CaseAccess, to_team: Team, kind: str, reason: str) -> Referral:
    """Refer or transfer a case to another team; its manager gets access while it is open."""
    require_allowed(access, Duty.REFER)
    check_open(access)
    case, now = access.case, access.context.now
    if kind not in Referral.Kind.values:
        raise RecordsError("Choose referral or transfer", field="kind")
    if to_team.pk == case.owning_team_id:
        raise RecordsError(
            "Choose a different team from the one that owns the case", field="to_team"
        )
    reason = reason.strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise RecordsError(
            f"Explain the referral in at least {MIN_REASON_LENGTH} characters", field="reason"
        )
    managers = team_managers(to_team, today=access.context.today)
    if not managers:
        raise RecordsError("That team has no manager to receive the case", field="to_team")
    with transaction.atomic():
        if (
            Referral.objects.select_for_update()
            .filter(case=case, status=Referral.Status.OPEN)
            .exists()
        ):
            raise RecordsError("This case already has an open referral or transfer")
        referral = Referral.objects.create(
            case=case,
            kind=kind,
            from_team_id=case.owning_team_id,
            to_team=to_team,
            reason=reason,
            created_by=access.staff,
        )
        AccessGrant.objects.bulk_create(
            AccessGrant(
                case=case,
                grantee=manager,
                actions=" ".join(REFERRAL_GRANT_ACTIONS),
                reason=f"{referral.get_kind_display()} to {to_team.name}: {reason}",
                status=AccessGrant.Status.APPROVED,
                starts_at=now,
                expires_at=now + dt.timedelta(days=REFERRAL_GRANT_DAYS),
                requested_by=access.staff,
                decided_by=access.staff,
                decided_at=now,
                referral=referral,
            )
            for manager in managers
        )
        record_change(access, f"{kind}.create", referral, case, [f"to {to_team.name}"])
        signals.referral_made.send(sender=Referral, origin=access.origin, referral=referral)
    return referral


def _end_referral_grants(referral: Referral) -> None:
    referral.grants.filter(status=AccessGrant.Status.APPROVED).update(
        status=AccessGrant.Status.REVOKED
    )


@transaction.atomic
def referral_decide(*, access: DutyAccess, referral: Referral, accept: bool) -> Referral:
    """The receiving manager accepts or declines. An accepted transfer moves ownership."""
    referral = (
        Referral.objects.select_for_update().select_related("case__subject").get(pk=referral.pk)
    )
    case = referral.case
    if referral.status != Referral.Status.OPEN:
        raise RecordsError("This referral has already been decided")
    if accept and case.closed_on is not None:
        raise RecordsError(
            f"This case was closed on {case.closed_on:%-d %B %Y} after it was referred. "
            "Its team must reopen it before the referral can be accepted; you can decline it"
        )
    referral.status = Referral.Status.ACCEPTED if accept else Referral.Status.DECLINED
    referral.decided_by = access.staff
    referral.decided_at = access.context.now
    referral.save()
    if not accept or referral.kind == Referral.Kind.TRANSFER:
        _end_referral_grants(referral)
    if accept and referral.kind == Referral.Kind.TRANSFER:
        from_team = case.owning_team.name
        case.owning_team_id = referral.to_team_id
        case.save(update_fields=["owning_team"])
        # One entry for the accepted transfer: the case moving is what IG looks for.
        reasons = [f"from {from_team}", f"transfer {referral.pk} accepted"]
        record_change(access, "case.transfer", case, case, reasons)
        return referral
    verb = "accept" if accept else "decline"
    record_change(access, f"{referral.kind}.{verb}", referral, case)
    return referral


@transaction.atomic
def referral_close(*, access: DutyAccess, referral: Referral) -> Referral:
    """Closing a referral ends the receiving manager's access."""
    if referral.status not in {Referral.Status.OPEN, Referral.Status.ACCEPTED}:
        raise RecordsError("This referral is already closed")
    referral.status = Referral.Status.CLOSED
    referral.save(update_fields=["status"])
    _end_referral_grants(referral)
    record_change(access, f"{referral.kind}.close", referral, referral.case)
    return referral
