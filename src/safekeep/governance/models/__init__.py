"""What information governance records: incidents (with the ICO's breach clock) and how each
anomaly alert was triaged. One module per subject; every model is named here for Django."""

from safekeep.governance.models.incidents import Incident, IncidentAction
from safekeep.governance.models.triage import AlertTriage

__all__ = ["AlertTriage", "Incident", "IncidentAction"]
