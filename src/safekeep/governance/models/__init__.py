"""What information governance records: incidents (with the ICO's breach clock), how each
anomaly alert was triaged, and FOI requests. One module per subject; every model is named here
for Django."""

from safekeep.governance.models.foi_requests import FoiPause, FoiQuestion, FoiRequest, FoiReview
from safekeep.governance.models.incidents import Incident, IncidentAction
from safekeep.governance.models.triage import AlertTriage

__all__ = [
    "AlertTriage",
    "FoiPause",
    "FoiQuestion",
    "FoiRequest",
    "FoiReview",
    "Incident",
    "IncidentAction",
]
