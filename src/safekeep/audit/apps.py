from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "safekeep.audit"
    label = "audit"
    verbose_name = "Audit log"
