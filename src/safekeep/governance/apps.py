from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "safekeep.governance"
    label = "governance"
    verbose_name = "Information governance"
