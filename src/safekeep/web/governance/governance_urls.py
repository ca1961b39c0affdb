"""Information governance pages under /governance/: incidents."""

from django.urls import path

from safekeep.web.governance import incidents

app_name = "governance"
urlpatterns = [
    path("incidents/", incidents.incident_list, name="incidents"),
    path("incidents/new/", incidents.incident_new, name="incident-new"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident"),
    path("incidents/number-shared/", incidents.number_shared, name="number-shared"),
]
