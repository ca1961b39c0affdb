from django.urls import path

from safekeep.web.organisation import leavers, views

app_name = "organisation"
urlpatterns = [
    path("", views.staff_list, name="staff-list"),
    path("team/", views.team, name="team"),
    path("add/", views.staff_add, name="staff-add"),
    path("changes/", views.staff_changes, name="staff-changes"),
    path("<str:staff_id>/change/", views.staff_change, name="staff-change"),
    path("<str:staff_id>/end/", views.staff_end_view, name="staff-end"),
    path("leavers/", leavers.leavers, name="leavers"),
    path("<str:staff_id>/leaver/", leavers.leaver_checklist, name="leaver"),
    path(
        "<str:staff_id>/leaver/devices/<str:asset_tag>/returned/",
        leavers.leaver_device_returned,
        name="leaver-device-returned",
    ),
]
