"""URL map: each part of the domain owns its own routes."""

from django.urls import include, path

urlpatterns = [
    path("", include("safekeep.web.urls")),
    path("account/", include("safekeep.accounts.urls")),
    path("staff/", include("safekeep.organisation.urls")),
    path("cases/", include("safekeep.records.urls")),
    path("devices/", include("safekeep.devices.urls")),
    path("audit/", include("safekeep.audit.urls")),
    path("api/v1/", include("safekeep.api.urls")),
]

handler400 = "safekeep.web.views.bad_request"
handler403 = "safekeep.web.views.forbidden"
handler404 = "safekeep.web.views.not_found"
handler500 = "safekeep.web.views.server_error"
