"""The reviews' scheduled jobs (`safekeep run-jobs`): open each quarter's access reviews and
the restricted reviews due, mark overdue ones, and note volunteers' assessments due."""

from __future__ import annotations

import datetime as dt
import functools

from safekeep.audit.writing import Origin
from safekeep.core.jobs import JobWrite, register_job, register_planned_job
from safekeep.reviews.services import (
    QuarterPlan,
    assessment_notices,
    overdue_mark,
    quarter_plan,
    restricted_open,
)


@register_planned_job(
    "access-reviews",
    "open the quarter's access reviews and the restricted reviews due; mark overdue ones",
)
def access_reviews(now: dt.datetime) -> JobWrite:
    # Everyone in post is read and their reviews worked out before the job's transaction.
    return functools.partial(_access_reviews, now, quarter_plan(now=now))


def _access_reviews(now: dt.datetime, quarter: QuarterPlan, origin: Origin) -> str:
    opened = quarter.write(origin)
    restricted = restricted_open(now=now, origin=origin)
    overdue = overdue_mark(now=now, origin=origin)
    said = []
    if opened:
        said.append(f"{opened} quarterly access reviews opened")
    if restricted:
        said.append(f"{restricted} restricted reviews opened")
    if overdue:
        said.append(f"{overdue} reviews marked overdue")
    return ("; ".join(said) + ".") if said else ""


@register_job("volunteer-assessments", "note volunteers' risk assessments due for review or lapsed")
def volunteer_assessments_due(now: dt.datetime, origin: Origin) -> str:
    count = assessment_notices(now=now, origin=origin)
    return f"{count} volunteers' risk assessments noted as due or lapsed." if count else ""
