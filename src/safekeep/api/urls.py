"""The REST API for the council's other systems, under /api/v1/ (OpenAPI at openapi.json),
and the page where a person manages their API tokens."""

from django.urls import path

from safekeep.api import views
from safekeep.api.main import api

urlpatterns = [
    path("tokens/", views.tokens, name="api-tokens"),
    path("", api.urls),
]
