from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "safekeep.operations"
    label = "operations"
    verbose_name = "Operations"
