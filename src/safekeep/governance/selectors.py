"""Reading incidents: for the IG pages, the dashboard and the FOI report."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from safekeep.governance.models import Incident
from safekeep.organisation.models import StaffMember


def incidents_involving(
    *,
    staff: QuerySet[StaffMember],
    category: str,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[Incident]:
    """Incidents of `category` involving any of `staff` that occurred between `since` and
    `until` (both inclusive; None: no bound). FOI q1g counts these for its population."""
    found = Incident.objects.filter(category=category, staff__in=staff)
    if since is not None:
        found = found.filter(occurred_on__gte=since)
    if until is not None:
        found = found.filter(occurred_on__lte=until)
    return found
