from django.apps import AppConfig


class DevicesConfig(AppConfig):
    name = "safekeep.devices"
    label = "devices"
    verbose_name = "Devices and the task policy"

    def ready(self) -> None:
        """Register the imports (devices also from Intune's export); end leavers' device
        credentials when organisation announces them (devices/receivers.py)."""
        from safekeep.core.csv_import import register_importer
        from safekeep.devices import leaving, receivers  # noqa: F401  (leaving registers)
        from safekeep.devices.importers import ComplaintImporter, DeviceImporter
        from safekeep.devices.intune import IntuneDeviceImporter

        register_importer("devices", DeviceImporter)
        register_importer("devices", IntuneDeviceImporter, source="intune")
        register_importer("complaints", ComplaintImporter)
        receivers.connect()
