from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "safekeep.web"
    label = "web"
    verbose_name = "Web pages"
