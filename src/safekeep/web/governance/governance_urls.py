"""Information governance pages under /governance/ (namespace "governance"), beside the
audit pages (`urls.py`, namespace "audit"): incidents, the FOI report, retention."""

from django.urls import path

from safekeep.web.governance import foi, incidents
from safekeep.web.retention import views as retention

app_name = "governance"
urlpatterns = [
    path("incidents/", incidents.incident_list, name="incidents"),
    path("incidents/new/", incidents.incident_new, name="incident-new"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident"),
    path("incidents/number-shared/", incidents.number_shared, name="number-shared"),
    path("foi/", foi.foi_report, name="foi-report"),
    path("foi/download/<str:fmt>/", foi.foi_download, name="foi-download"),
    path("retention/", retention.retention, name="retention"),
    path("retention/disposed/", retention.disposed, name="retention-disposed"),
    path("retention/disposed/<str:case_id>/", retention.tombstone, name="retention-tombstone"),
]
