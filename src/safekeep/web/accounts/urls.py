from django.urls import path

from safekeep.web.accounts import oidc_views, views

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
]
