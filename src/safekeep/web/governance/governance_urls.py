"""Information governance pages under /governance/ (namespace "governance"), beside the
audit pages (`urls.py`, namespace "audit"): incidents and the FOI report."""

from django.urls import path

from safekeep.web.governance import foi, incidents

app_name = "governance"
urlpatterns = [
    path("incidents/", incidents.incident_list, name="incidents"),
    path("incidents/new/", incidents.incident_new, name="incident-new"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident"),
    path("incidents/number-shared/", incidents.number_shared, name="number-shared"),
    path("foi/", foi.foi_report, name="foi-report"),
    path("foi/download/<str:fmt>/", foi.foi_download, name="foi-download"),
]
