from django.apps import AppConfig


class SubjectAccessConfig(AppConfig):
    name = "safekeep.subject_access"
    label = "subject_access"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Register the job that purges exports older than 30 days."""
        from safekeep.subject_access import services  # noqa: F401  (registers the job)
