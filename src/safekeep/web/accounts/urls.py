from django.urls import path

from safekeep.web.accounts import oidc_views, people, set_up, views

app_name = "accounts"
urlpatterns = [
    path("", views.account, name="account"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/council/", oidc_views.council_sign_in, name="council-sign-in"),
    path("sign-in/council/done/", oidc_views.council_sign_in_done, name="council-sign-in-done"),
    path("sign-in/code/", views.two_factor, name="two-factor"),
    path("sign-in/set-up-app/", views.enrol, name="enrol"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("sign-out-everywhere/", views.sign_out_everywhere_view, name="sign-out-everywhere"),
    path("set-up/", set_up.set_up, name="set-up"),
    path("set-up/<str:token>/", set_up.set_up_link, name="set-up-link"),
    path("people/", people.people, name="people"),
    path("people/<str:staff_id>/", people.person, name="person"),
    path("people/<str:staff_id>/invite/", people.invite, name="invite"),
    path("people/<str:staff_id>/reset-password/", people.reset_password, name="reset-password"),
    path(
        "people/<str:staff_id>/reset-authenticator/",
        people.reset_authenticator,
        name="reset-authenticator",
    ),
    path("people/<str:staff_id>/unlock/", people.unlock, name="unlock"),
]
