from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "safekeep.accounts"
    label = "accounts"
    verbose_name = "Accounts and sign-in"

    def ready(self) -> None:
        """End leavers' sessions when organisation announces them (accounts/receivers.py);
        say so on their checklist (accounts/leaving.py)."""
        from safekeep.accounts import leaving, receivers  # noqa: F401  (leaving registers)

        receivers.connect()
