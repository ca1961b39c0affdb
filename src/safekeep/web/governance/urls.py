from django.urls import path

from safekeep.web.governance import views

app_name = "audit"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("subject/", views.subject_report, name="subject-report"),
    path("staff/", views.staff_report, name="staff-report"),
    path("refusals/", views.refusals_report, name="refusals-report"),
]
