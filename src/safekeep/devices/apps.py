from django.apps import AppConfig


class DevicesConfig(AppConfig):
    name = "safekeep.devices"
    label = "devices"
    verbose_name = "Devices and the task policy"

    def ready(self) -> None:
        from safekeep.core.csv_import import register_importer
        from safekeep.devices.importers import ComplaintImporter, DeviceImporter

        register_importer("devices", DeviceImporter)
        register_importer("complaints", ComplaintImporter)
