"""Information governance pages under /governance/ (namespace "governance"), beside the
audit pages (`urls.py`, namespace "audit"): incidents, the FOI report and FOI requests,
retention, subject access requests."""

from django.urls import include, path

from safekeep.web.governance import foi, foi_requests, incidents
from safekeep.web.retention import views as retention

app_name = "governance"
urlpatterns = [
    path("incidents/", incidents.incident_list, name="incidents"),
    path("incidents/new/", incidents.incident_new, name="incident-new"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident"),
    path("incidents/number-shared/", incidents.number_shared, name="number-shared"),
    path("foi/", foi.foi_report, name="foi-report"),
    path("foi/download/<str:fmt>/", foi.foi_download, name="foi-download"),
    path("foi/requests/", foi_requests.foi_request_list, name="foi-requests"),
    path("foi/requests/new/", foi_requests.foi_request_new, name="foi-request-new"),
    path("foi/requests/<int:pk>/", foi_requests.foi_request_detail, name="foi-request"),
    path(
        "foi/requests/<int:pk>/letter/<str:fmt>/",
        foi_requests.foi_request_letter,
        name="foi-request-letter",
    ),
    path("foi/disclosure-log/", foi_requests.foi_disclosure_log, name="foi-disclosure-log"),
    path(
        "foi/disclosure-log.csv", foi_requests.foi_disclosure_log_csv, name="foi-disclosure-log-csv"
    ),
    path("retention/", retention.retention, name="retention"),
    path("retention/disposed/", retention.disposed, name="retention-disposed"),
    path("retention/disposed/<str:case_id>/", retention.tombstone, name="retention-tombstone"),
    path("subject-access/", include("safekeep.web.subject_access.urls")),
]
