from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "safekeep.organisation"
    label = "organisation"
    verbose_name = "Organisation and staff"

    def ready(self) -> None:
        from safekeep.core.csv_import import register_importer
        from safekeep.organisation.importers import RiskAssessmentImporter, StaffImporter

        register_importer("staff", StaffImporter)
        register_importer("risk-assessments", RiskAssessmentImporter)
