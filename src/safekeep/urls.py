"""URL map: the pages (safekeep.web, one package per part of the domain) and the API."""

from django.urls import URLPattern, URLResolver, include, path

from safekeep.web import health

urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", include("safekeep.web.urls")),
    path("account/", include("safekeep.web.accounts.urls")),
    path("staff/", include("safekeep.web.organisation.urls")),
    path("cases/", include("safekeep.web.records.urls")),
    path("devices/", include("safekeep.web.devices.urls")),
    path("audit/", include("safekeep.web.governance.urls")),
    path("governance/", include("safekeep.web.governance.governance_urls")),
    path("sites/", include("safekeep.web.sites.urls")),
    path("reviews/", include("safekeep.web.reviews.urls")),
    path("api/v1/", include("safekeep.api.urls")),
    path("scim/v2/", include("safekeep.provisioning.urls")),
]

handler400 = "safekeep.web.views.bad_request"
handler403 = "safekeep.web.views.forbidden"
handler404 = "safekeep.web.views.not_found"
handler500 = "safekeep.web.views.server_error"
