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
        _register_jobs()


def _register_jobs() -> None:
    import datetime as dt

    from safekeep.audit.writing import Origin
    from safekeep.core.jobs import register_job
    from safekeep.organisation.services import leavers_due

    @register_job("leavers", "process everyone whose last working day has passed")
    def leavers(now: dt.datetime, origin: Origin) -> str:
        return leavers_due(now=now, origin=origin)
