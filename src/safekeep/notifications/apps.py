from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "safekeep.notifications"
    label = "notifications"
    verbose_name = "Email notifications"

    def ready(self) -> None:
        """Email when records announces a decision on a request for access, a referral or
        transfer, or break-glass (notifications/receivers.py); register the alert-emails job."""
        from safekeep.notifications import jobs, receivers

        receivers.connect()
        del jobs  # registered on import
