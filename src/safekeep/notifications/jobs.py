"""The notifications' scheduled job (`safekeep run-jobs`): new anomaly alerts emailed to IG."""

from __future__ import annotations

import datetime as dt
import functools

from safekeep.audit.wording import counted
from safekeep.audit.writing import Origin
from safekeep.core.jobs import JobWrite, register_planned_job
from safekeep.notifications.services import NewAlert, alerts_email, alerts_to_email


@register_planned_job(
    "alert-emails", "email information governance each new anomaly alert not yet triaged"
)
def alert_emails(now: dt.datetime) -> JobWrite:
    # The rules read the audit log: before the job's transaction, not inside it.
    return functools.partial(_alert_emails, now, alerts_to_email(now))


def _alert_emails(now: dt.datetime, new: list[NewAlert], origin: Origin) -> str:
    count = alerts_email(new=new, now=now, origin=origin)
    return f"{counted(count, 'alert')} emailed to information governance." if count else ""
