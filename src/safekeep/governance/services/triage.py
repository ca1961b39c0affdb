"""Information governance's changes: triaging an anomaly alert (acknowledge or dismiss).

Each takes the door's answer (`DutyAccess`) and writes its change and its one audit entry
in one transaction.
"""

from __future__ import annotations

from django.db import transaction

from safekeep.access.door import DutyAccess
from safekeep.audit.writing import audit_change
from safekeep.governance.alerts import Alert
from safekeep.governance.errors import GovernanceError
from safekeep.governance.models.triage import AlertTriage

State = AlertTriage.State
NOTE_LIMIT = 2000
# What may follow a triaged alert's state (an open alert may become either).
NEXT_STATES: dict[str, frozenset[str]] = {
    State.ACKNOWLEDGED: frozenset({State.DISMISSED}),
    State.DISMISSED: frozenset(),
}
ALREADY: dict[str, str] = {
    State.ACKNOWLEDGED: "This alert has already been acknowledged",
    State.DISMISSED: "This alert has already been dismissed",
}


def alert_triage(*, access: DutyAccess, alert: Alert, state: str, note: str) -> AlertTriage:
    """Acknowledge (being looked into) or dismiss (nothing to act on) an alert, with a note.

    Dismissing hides the alert from the dashboard, so it needs a note saying why.
    """
    note = note.strip()
    if state not in State.values:
        raise GovernanceError("Choose acknowledge or dismiss", field="state")
    if state == State.DISMISSED and not note:
        raise GovernanceError("Enter a note saying why the alert is dismissed", field="note")
    if len(note) > NOTE_LIMIT:
        raise GovernanceError(f"The note must be {NOTE_LIMIT} characters or fewer", field="note")
    with transaction.atomic():
        latest = (
            AlertTriage.objects.select_for_update()
            .filter(rule=alert.rule, key=alert.key)
            .order_by("-at", "-id")
            .first()
        )
        if latest is not None and state not in NEXT_STATES[latest.state]:
            raise GovernanceError(ALREADY[latest.state], field="state")
        triage = AlertTriage.objects.create(
            rule=alert.rule,
            key=alert.key,
            title=alert.title[:300],
            state=state,
            note=note,
            by=access.staff,
            at=access.context.now,
        )
        verb = "acknowledge" if state == State.ACKNOWLEDGED else "dismiss"
        audit_change(
            access.origin,
            f"alert.{verb}",
            triage,
            reasons=[*access.decision.reasons, alert.title[:300]],
        )
    return triage
