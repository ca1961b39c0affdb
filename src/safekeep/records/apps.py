from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "safekeep.records"
    label = "records"
    verbose_name = "Case records"
