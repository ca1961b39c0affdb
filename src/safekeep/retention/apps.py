from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "safekeep.retention"
    label = "retention"
    verbose_name = "Retention and disposal"

    def ready(self) -> None:
        """Register the monthly disposal list with run-jobs (retention/jobs.py)."""
        from safekeep.retention import jobs  # noqa: F401
