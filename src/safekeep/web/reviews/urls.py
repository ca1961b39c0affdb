from django.urls import path

from safekeep.web.reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.review_list, name="list"),
    path("<int:pk>/", views.review_detail, name="review"),
    path("volunteers/", views.assessment_list, name="assessments"),
    path("volunteers/<str:staff_id>/", views.assessment_record, name="assessment"),
]
