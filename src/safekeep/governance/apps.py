from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "safekeep.governance"
    label = "governance"
    verbose_name = "Information governance"

    def ready(self) -> None:
        """Register the incidents import; open incidents when devices announces a device
        lost, stolen or unencrypted off site (governance/receivers.py)."""
        from safekeep.core.csv_import import register_importer
        from safekeep.governance import receivers
        from safekeep.governance.importers import IncidentImporter

        register_importer("incidents", IncidentImporter)
        receivers.connect()
