"""Retention's scheduled job: each month, list the records due for IG to approve."""

from __future__ import annotations

import datetime as dt

from safekeep.audit.writing import Origin
from safekeep.core.jobs import register_job
from safekeep.retention.services import disposal_list


@register_job("retention", "list each month's records due for disposal, for IG to approve")
def retention_job(now: dt.datetime, origin: Origin) -> str:
    return disposal_list(now=now, origin=origin)
