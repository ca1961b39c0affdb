from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "safekeep.records"
    label = "records"
    verbose_name = "Case records"

    def ready(self) -> None:
        from safekeep.core.csv_import import register_importer
        from safekeep.records import leaving
        from safekeep.records.importers import CasesImporter

        register_importer("cases", CasesImporter)
        leaving.connect()
