"""A URL map for error-page tests: Safekeep's own, plus views that fail on purpose."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from safekeep.urls import handler400, handler403, handler404, handler500
from safekeep.urls import urlpatterns as safekeep_urlpatterns
from safekeep.web.errors import Refused

SECRET = "Subject Jane Doe, disclosed at home visit"


def explode(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET)


def deny(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied(SECRET)


def refuse(request: HttpRequest) -> HttpResponse:
    raise Refused("You are not allocated to this case.", "Ask your team manager for access.")


urlpatterns: list[URLPattern | URLResolver] = [
    *safekeep_urlpatterns,
    path("test/explode/", explode),
    path("api/v1/test/explode/", explode),
    path("test/deny/", deny),
    path("test/refuse/", refuse),
]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
