"""The REST API for the council's other systems, under /api/v1/ (OpenAPI at openapi.json)."""

from django.urls import path

from safekeep.api.main import api

urlpatterns = [path("", api.urls)]
