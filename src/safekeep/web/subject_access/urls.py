"""The subject access pages, included under /governance/subject-access/ (namespace
"governance", beside the FOI and retention pages)."""

from django.urls import path

from safekeep.web.subject_access import views

urlpatterns = [
    path("", views.request_list, name="sar-list"),
    path("new/<str:subject_id>/", views.request_new, name="sar-new"),
    path("<int:pk>/", views.request_detail, name="sar"),
    path("<int:pk>/preview/", views.request_preview, name="sar-preview"),
    path("<int:pk>/export/", views.request_export, name="sar-export"),
    path("<int:pk>/exports/<int:export_pk>/", views.export_download, name="sar-download"),
]
