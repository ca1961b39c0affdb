from django.apps import AppConfig


class ProvisioningConfig(AppConfig):
    name = "safekeep.provisioning"
    label = "provisioning"
    verbose_name = "Provisioning (SCIM 2.0)"
