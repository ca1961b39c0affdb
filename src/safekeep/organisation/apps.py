from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "safekeep.organisation"
    label = "organisation"
    verbose_name = "Organisation and staff"
