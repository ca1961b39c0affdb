from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "safekeep.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        """Revoke leavers' tokens and list them on their checklist (api/leaving.py)."""
        from safekeep.api import leaving

        leaving.connect()
