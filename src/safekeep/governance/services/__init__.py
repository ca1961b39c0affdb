"""Information governance's changes, one module per subject: recording and working incidents
(`incidents`) and triaging anomaly alerts (`triage`). Each takes the door's answer and writes
its change and its one audit entry in one transaction."""

from safekeep.governance.services.incidents import (
    SUMMARY_LENGTH,
    IncidentError,
    incident_action_add,
    incident_close,
    incident_ico_decide,
    incident_raise_automatic,
    incident_record,
    incident_update,
    personal_number_shared_report,
)
from safekeep.governance.services.triage import ALREADY, NEXT_STATES, NOTE_LIMIT, alert_triage

__all__ = [
    "ALREADY",
    "NEXT_STATES",
    "NOTE_LIMIT",
    "SUMMARY_LENGTH",
    "IncidentError",
    "alert_triage",
    "incident_action_add",
    "incident_close",
    "incident_ico_decide",
    "incident_raise_automatic",
    "incident_record",
    "incident_update",
    "personal_number_shared_report",
]
