from django.urls import path

from safekeep.web.devices import views

app_name = "devices"
urlpatterns = [
    path("this-device/", views.this_device, name="this-device"),
    path("enrol/", views.enrol, name="enrol"),
    path("enrol/personal/", views.enrol_personal, name="enrol-personal"),
    path("report/<str:asset_tag>/", views.report_missing, name="report"),
    path("report/<str:asset_tag>/done/", views.reported, name="reported"),
    path("complaints/new/", views.complaint_new, name="complaint-new"),
    path("complaints/", views.complaint_queue, name="complaint-queue"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint-detail"),
    path("register/", views.register, name="register"),
    path("register.csv", views.register_csv, name="register-csv"),
    path("register/add/", views.device_add, name="add"),
    path("register/non-compliant/", views.non_compliant, name="non-compliant"),
    path("register/tasks/<int:pk>/done/", views.it_task_done, name="it-task-done"),
    path("register/<str:asset_tag>/", views.device_detail, name="detail"),
    path("register/<str:asset_tag>/change/", views.device_change, name="change"),
    path("register/<str:asset_tag>/enrolment-code/", views.enrolment_code, name="enrolment-code"),
    path("register/<str:asset_tag>/retire/", views.device_retire, name="retire"),
    path("task-policy/", views.task_policy, name="task-policy"),
    path(
        "task-policy/<str:ownership>/<str:device_type>/",
        views.task_policy_edit,
        name="task-policy-edit",
    ),
]
