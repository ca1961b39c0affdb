from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "safekeep.sites"
    label = "sites"
    verbose_name = "Sites and physical security"

    def ready(self) -> None:
        """Register the sites, printers and door-code-holders imports, the leaver items
        (door codes to rotate, paper files to return), the scheduled jobs, and the receiver
        that sets a leaver's door codes to rotation due."""
        from safekeep.core.csv_import import register_importer
        from safekeep.sites import jobs, leavers, receivers
        from safekeep.sites.importers import DoorCodeHolderImporter, PrinterImporter, SiteImporter

        register_importer("sites", SiteImporter)
        register_importer("printers", PrinterImporter)
        register_importer("door-code-holders", DoorCodeHolderImporter)
        receivers.connect()
        del jobs, leavers  # registered on import
