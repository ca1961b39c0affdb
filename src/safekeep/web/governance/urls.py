from django.urls import path

from safekeep.web.governance import views

app_name = "audit"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("alerts/", views.alert_triage, name="alert-triage"),
    path("people/", views.people_search, name="people"),
    path("subject/", views.subject_report, name="subject-report"),
    path("staff/", views.staff_report, name="staff-report"),
    path("refusals/", views.refusals_report, name="refusals-report"),
]
