"""Information governance pages beside the audit pages (`urls.py`, namespace "audit"): the
FOI report, under /governance/ (namespace "governance")."""

from django.urls import path

from safekeep.web.governance import foi

app_name = "governance"
urlpatterns = [
    path("foi/", foi.foi_report, name="foi-report"),
    path("foi/download/<str:fmt>/", foi.foi_download, name="foi-download"),
]
