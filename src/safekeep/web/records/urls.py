"""Case record pages under /cases/. Fixed paths come before the case-id patterns."""

from django.urls import path

from safekeep.web import records as views

app_name = "records"
urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("access-requests/", views.grant_requests, name="grant-requests"),
    path("my-requests/", views.my_requests, name="my-requests"),
    path("referrals/", views.referrals, name="referrals"),
    path("break-glass-reviews/", views.break_glass_queue, name="break-glass-queue"),
    path("workload/", views.team_workload, name="workload"),
    path("<str:case_id>/", views.case_detail, name="case"),
    path("<str:case_id>/chronology/", views.chronology, name="chronology"),
    path("<str:case_id>/closure/", views.case_closure, name="closure"),
    path("<str:case_id>/details/", views.person_details_edit, name="details"),
    path("<str:case_id>/entries/add/", views.entry_add, name="entry-add"),
    path("<str:case_id>/entries/draft/", views.entry_draft, name="entry-draft"),
    path("<str:case_id>/entries/<int:entry_id>/edit/", views.entry_edit, name="entry-edit"),
    path("<str:case_id>/documents/add/", views.document_upload, name="document-upload"),
    path(
        "<str:case_id>/entries/<int:entry_id>/download/",
        views.document_download,
        name="document-download",
    ),
    path("<str:case_id>/allocate/", views.allocate, name="allocate"),
    path(
        "<str:case_id>/allocations/<int:allocation_id>/end/",
        views.allocation_end,
        name="allocation-end",
    ),
    path("<str:case_id>/access/<int:grant_id>/revoke/", views.grant_revoke, name="grant-revoke"),
    path("<str:case_id>/request-access/", views.grant_request, name="grant-request"),
    path("<str:case_id>/refer/", views.referral_create, name="refer"),
    path("<str:case_id>/break-glass/", views.break_glass, name="break-glass"),
    path("<str:case_id>/who-can-see/", views.who_can_see_case, name="who-can-see"),
]
