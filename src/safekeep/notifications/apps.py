from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "safekeep.notifications"
    label = "notifications"
    verbose_name = "Email notifications"
