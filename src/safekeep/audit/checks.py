"""Start-up check: a witness or origin setting that cannot work stops Safekeep, saying which."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from safekeep.audit import conf, witness

HINT = "See docs/audit.md, 'Witnesses'."


@checks.register("safekeep_audit")
def check_audit_settings(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    found: list[checks.CheckMessage] = []
    for read in (conf.origin, witness.configuration):
        try:
            read()
        except ImproperlyConfigured as exc:
            found.append(checks.Error(str(exc), hint=HINT, id="safekeep.audit.E001"))
    return found
