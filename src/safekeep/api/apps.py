from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "safekeep.api"
    label = "api"
    verbose_name = "REST API"
