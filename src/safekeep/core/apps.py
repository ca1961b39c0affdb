from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safekeep.core"
    label = "core"
    verbose_name = "Safekeep core"
