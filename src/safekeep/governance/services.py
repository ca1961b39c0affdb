"""Recording and working incidents. Each function runs in one transaction and writes one
audit entry in it; audit entries name people by staff id and never hold what an incident
says (its summary, what happened, actions, outcome or the ICO reasons).

Who may do what is decided at the door (`door.incidents_access`, `door.incident_report_access`,
over `access.duties`); these functions take its answer and do not decide again.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from safekeep.access.door import DutyAccess
from safekeep.access.vocabulary import MIN_REASON_LENGTH
from safekeep.audit.writing import Origin, audit_change
from safekeep.devices.models import Device, ITTask
from safekeep.governance.models import Incident, IncidentAction
from safekeep.governance.selectors import ICO_HOURS, breach_clock
from safekeep.organisation.models import StaffMember

SUMMARY_LENGTH = 2000


class IncidentError(Exception):
    """An incident change that cannot be made: plain words, and the form field at fault."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def incident_record(
    *,
    access: DutyAccess,
    category: str,
    occurred_on: dt.date,
    summary: str,
    staff: StaffMember | None = None,
    severity: str = "",
    what_happened: str = "",
    aware_at: dt.datetime | None = None,
) -> Incident:
    """Information governance records an incident of any category, reported today.

    A data breach needs the moment the council became aware of it: the ICO clock runs from
    then.
    """
    if category not in Incident.Category.values:
        raise IncidentError("Choose what kind of incident it was", field="category")
    if category == Incident.Category.DATA_BREACH:
        if aware_at is None:
            raise IncidentError(
                "Enter when the council became aware of the breach", field="aware_at"
            )
        if aware_at > timezone.now():
            raise IncidentError(
                "When the council became aware cannot be in the future", field="aware_at"
            )
    else:
        aware_at = None
    if severity not in Incident.Severity.values:
        raise IncidentError("Choose how severe it is", field="severity")
    return _create(
        access.origin,
        action="incident.record",
        category=category,
        occurred_on=occurred_on,
        summary=summary,
        staff=staff,
        reported_by=access.staff,
        source=Incident.Source.MANUAL,
        severity=severity,
        what_happened=what_happened.strip(),
        aware_at=aware_at,
    )


def personal_number_shared_report(
    *, access: DutyAccess, staff: StaffMember, occurred_on: dt.date, summary: str
) -> Incident:
    """A manager reports that someone in their team gave a client their personal phone
    number, against instructions (FOI question 1g counts these)."""
    return _create(
        access.origin,
        action="incident.record",
        category=Incident.Category.PERSONAL_NUMBER_SHARED,
        occurred_on=occurred_on,
        summary=summary,
        staff=staff,
        reported_by=access.staff,
        source=Incident.Source.MANUAL,
    )


def incident_raise_automatic(
    *,
    origin: Origin,
    cause: str,
    device: Device,
    task: ITTask,
    reporter: StaffMember | None,
    summary: str,
) -> Incident:
    """A device reported lost or stolen, or an unencrypted one off site (devices announces
    it): the incident involves the device's assigned member of staff."""
    return _create(
        origin,
        action="incident.raise",
        category=cause,
        occurred_on=timezone.localdate(),
        summary=summary,
        staff=device.assigned_staff,
        reported_by=reporter,
        source=Incident.Source.AUTOMATIC,
        device=device,
        it_task=task,
    )


@transaction.atomic
def _create(
    origin: Origin,
    *,
    action: str,
    category: str,
    occurred_on: dt.date,
    summary: str,
    staff: StaffMember | None,
    reported_by: StaffMember | None,
    source: str,
    severity: str = "",
    what_happened: str = "",
    aware_at: dt.datetime | None = None,
    device: Device | None = None,
    it_task: ITTask | None = None,
) -> Incident:
    today = timezone.localdate()
    text = summary.strip()
    if not text:
        raise IncidentError("Say briefly what happened", field="summary")
    if len(text) > SUMMARY_LENGTH:
        raise IncidentError(
            f"The summary must be {SUMMARY_LENGTH} characters or fewer", field="summary"
        )
    if occurred_on > today:
        raise IncidentError("The day it happened cannot be in the future", field="occurred_on")
    incident = Incident.objects.create(
        category=category,
        occurred_on=occurred_on,
        reported_on=today,
        staff=staff,
        staff_ref=staff.staff_id if staff else "",
        summary=text,
        severity=severity,
        what_happened=what_happened,
        aware_at=aware_at,
        device=device,
        it_task=it_task,
        source=source,
        reported_by=reported_by,
    )
    reasons = [category, f"source: {source}"]
    if staff is not None:
        reasons.append(f"involving {staff.staff_id}")
    if device is not None:
        reasons.append(f"device {device.asset_tag}")
    audit_change(origin, action, incident, reasons=reasons)
    return incident


@transaction.atomic
def incident_update(
    *,
    access: DutyAccess,
    incident: Incident,
    severity: str,
    what_happened: str,
    aware_at: dt.datetime | None = None,
) -> Incident:
    """IG assesses an open incident: severity, what happened and, for a breach, when the
    council became aware (the ICO clock runs from then)."""
    incident = _open(incident)
    if severity not in Incident.Severity.values:
        raise IncidentError("Choose how severe it is", field="severity")
    changes: dict[str, object] = {"severity": severity, "what_happened": what_happened.strip()}
    if incident.is_breach:
        if aware_at is None:
            raise IncidentError(
                "Enter when the council became aware of the breach", field="aware_at"
            )
        if aware_at > timezone.now():
            raise IncidentError(
                "When the council became aware cannot be in the future", field="aware_at"
            )
        if incident.ico_decision and aware_at != incident.aware_at:
            raise IncidentError(
                "The ICO decision is recorded; when the council became aware can no longer change",
                field="aware_at",
            )
        changes["aware_at"] = aware_at
    changed = [name for name, value in changes.items() if getattr(incident, name) != value]
    if not changed:
        raise IncidentError("Nothing was changed")
    for name in changed:
        setattr(incident, name, changes[name])
    incident.save(update_fields=changed)
    audit_change(
        access.origin, "incident.update", incident, reasons=[f"changed: {', '.join(changed)}"]
    )
    return incident


@transaction.atomic
def incident_action_add(*, access: DutyAccess, incident: Incident, text: str) -> IncidentAction:
    """Something done about an open incident, in IG's words: who and when are recorded."""
    incident = _open(incident)
    words = text.strip()
    if not words:
        raise IncidentError("Say what was done", field="text")
    action = IncidentAction.objects.create(
        incident=incident, taken_at=timezone.now(), taken_by=access.staff, text=words
    )
    audit_change(
        access.origin, "incident.action", incident, reasons=[f"action {action.pk} recorded"]
    )
    return action


@transaction.atomic
def incident_ico_decide(
    *, access: DutyAccess, incident: Incident, decision: str, reasons: str
) -> Incident:
    """Record whether a data breach is reported to the ICO, and why: who decided and when.

    Every breach keeps its decision, reported or not; it is made once, and stops the clock.
    """
    incident = _open(incident)
    if not incident.is_breach:
        raise IncidentError("Only a data breach is decided for the ICO")
    if incident.ico_decision:
        raise IncidentError("The ICO decision for this breach is already recorded")
    if decision not in {Incident.IcoDecision.REPORT, Incident.IcoDecision.NOT_REPORT}:
        raise IncidentError("Choose whether to report the breach to the ICO", field="decision")
    why = reasons.strip()
    if len(why) < MIN_REASON_LENGTH:
        raise IncidentError(
            f"Give the reasons for the decision in at least {MIN_REASON_LENGTH} characters",
            field="reasons",
        )
    incident.ico_decision = decision
    incident.ico_reasons = why
    incident.ico_decided_by = access.staff
    incident.ico_decided_at = timezone.now()
    incident.save(update_fields=["ico_decision", "ico_reasons", "ico_decided_by", "ico_decided_at"])
    clock = breach_clock(incident)
    timing = (
        f"within {ICO_HOURS} hours of becoming aware"
        if clock is None or not clock.overdue
        else f"after the {ICO_HOURS}-hour deadline: {clock.words}"
    )
    audit_change(access.origin, "incident.ico_decision", incident, reasons=[decision, timing])
    return incident


@transaction.atomic
def incident_close(*, access: DutyAccess, incident: Incident, outcome: str) -> Incident:
    """Close an incident with its outcome; a data breach only once the ICO decision is made."""
    incident = _open(incident)
    words = outcome.strip()
    if not words:
        raise IncidentError("Say what the outcome was", field="outcome")
    if incident.is_breach and not incident.ico_decision:
        raise IncidentError("Record whether the breach is reported to the ICO before closing it")
    incident.closed_at = timezone.now()
    incident.closed_by = access.staff
    incident.outcome = words
    incident.save(update_fields=["closed_at", "closed_by", "outcome"])
    audit_change(access.origin, "incident.close", incident, reasons=["closed"])
    return incident


def _open(incident: Incident) -> Incident:
    """The incident, locked for the change; a closed one cannot change."""
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    if locked.closed_at is not None:
        raise IncidentError("This incident is closed; it can no longer change")
    return locked
