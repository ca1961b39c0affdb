from __future__ import annotations

from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class CryptoConfig(AppConfig):
    name = "safekeep.crypto"
    label = "crypto"
    verbose_name = "Encryption keys"

    def ready(self) -> None:
        """Refuse to start with an unusable key provider; the DB-backed check is in checks.py."""
        from safekeep.crypto import checks  # noqa: F401  (registers the system check)
        from safekeep.crypto.errors import KeyConfigurationError
        from safekeep.crypto.providers import get_provider

        try:
            get_provider().available_versions()
        except KeyConfigurationError as exc:
            raise ImproperlyConfigured(f"Safekeep cannot start: {exc}") from exc
