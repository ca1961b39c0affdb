"""Emailing information governance each new anomaly alert (`safekeep run-jobs`, job
`alert-emails`): each alert once, none already triaged, never to the person it is about."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from safekeep.audit.writing import Origin
from safekeep.governance import alerts
from safekeep.governance.alerts import Alert
from safekeep.governance.selectors.dashboard import alert_board
from safekeep.notifications import emails
from safekeep.notifications.models import AlertNotice
from safekeep.notifications.sending import send_after_commit


@dataclass(frozen=True, slots=True)
class NewAlert:
    alert: Alert
    rule_name: str


def alerts_to_email(now: dt.datetime) -> list[NewAlert]:
    """The alerts raised now that are open (not triaged) and not emailed yet. Reads the
    audit log: worked out outside the job's transaction."""
    emailed = set(AlertNotice.objects.values_list("rule", "key"))
    return [
        NewAlert(triaged.alert, board.result.name)
        for board in alert_board(alerts.evaluate_all(now))
        for triaged in board.open
        if (triaged.alert.rule, triaged.alert.key) not in emailed
    ]


@transaction.atomic
def alerts_email(*, new: list[NewAlert], now: dt.datetime, origin: Origin) -> int:
    """Mark each alert emailed and email it once this commits; an alert another run marked
    since the plan was made is left alone. Returns how many alerts were emailed."""
    emailed = set(
        AlertNotice.objects.filter(key__in=[item.alert.key for item in new]).values_list(
            "rule", "key"
        )
    )
    fresh = [item for item in new if (item.alert.rule, item.alert.key) not in emailed]
    if not fresh:
        return 0
    AlertNotice.objects.bulk_create(
        AlertNotice(rule=item.alert.rule, key=item.alert.key, at=now) for item in fresh
    )
    officers = emails.ig_officers_in_post(today=timezone.localdate(now))
    send_after_commit(
        [
            email
            for item in fresh
            for email in emails.alert_raised(item.alert, item.rule_name, officers)
        ],
        origin=origin,
    )
    return len(fresh)
