from django.urls import path

from safekeep.web.sites import views

app_name = "sites"
urlpatterns = [
    path("", views.site_list, name="list"),
    path("<int:pk>/", views.site_detail, name="site"),
    path("<int:pk>/visitors/", views.visitors, name="visitors"),
    path("<int:pk>/end-of-day/", views.end_of_day, name="end-of-day"),
    path("doors/<int:pk>/code/", views.door_code, name="door-code"),
    path("doors/<int:pk>/show/", views.door_code_show, name="door-code-show"),
    path("visits/<int:pk>/out/", views.visitor_out, name="visitor-out"),
    path("files/<str:file_id>/", views.paper_file, name="paper-file"),
    path("print/<str:case_id>/", views.case_print, name="print"),
    path("print-jobs/<int:pk>/release/", views.release, name="release"),
]
