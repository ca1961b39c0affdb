from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "safekeep.access"
    label = "access"
    verbose_name = "Access decisions"
