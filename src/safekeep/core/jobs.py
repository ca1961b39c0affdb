"""The scheduled jobs `safekeep run-jobs` runs: each app registers its own in its
AppConfig.ready, so the command knows every job without importing the apps above it.

A job must be idempotent: run-jobs is run by cron or a systemd timer every few minutes, so
a job does what is due at `now` and nothing the second time. Each job runs in its own
transaction (a failure rolls back that job alone) and says in a sentence what it did.

A job with a lot to read (every member of staff, say) registers as a planned job: its plan
reads and works out the writes before the transaction, and only the writing happens inside
it. On SQLite a transaction holds the write lock that every audited request needs, so a
job must not hold it for more than a moment (issue 18). The writing re-checks what it
relies on, since the plan may be a few seconds old by then.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass

from safekeep.audit.writing import Origin

JobRun = Callable[[dt.datetime, Origin], str]
"""(now, origin) -> a sentence saying what was done ("" when nothing was due)."""
JobWrite = Callable[[Origin], str]
"""The writing half of a planned job, run inside the job's transaction: (origin) -> sentence."""
JobPlan = Callable[[dt.datetime], JobWrite]
"""A planned job: (now) -> its writing, worked out outside any transaction."""


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    describe: str
    plan: JobPlan
    source: object  # the function registered, to tell a second registration of it apart

    def run(self, now: dt.datetime, origin: Origin) -> str:
        """Plan and write at once (run-jobs puts a transaction between the two)."""
        return self.plan(now)(origin)


_jobs: dict[str, Job] = {}


def _add(name: str, describe: str, plan: JobPlan, source: object) -> None:
    if name in _jobs and _jobs[name].source is not source:
        raise ValueError(f"two scheduled jobs are called {name!r}")
    _jobs[name] = Job(name=name, describe=describe, plan=plan, source=source)


def register_job(name: str, describe: str) -> Callable[[JobRun], JobRun]:
    """Decorator: add `run` to the scheduled jobs under `name` (kebab-case, unique); all of
    it runs inside the job's transaction."""

    def add(run: JobRun) -> JobRun:
        _add(name, describe, lambda now: functools.partial(run, now), run)
        return run

    return add


def register_planned_job(name: str, describe: str) -> Callable[[JobPlan], JobPlan]:
    """Decorator: add a planned job (the module docstring says when to use one)."""

    def add(plan: JobPlan) -> JobPlan:
        _add(name, describe, plan, plan)
        return plan

    return add


def scheduled_jobs() -> list[Job]:
    """Every registered job, by name (the order run-jobs runs them in)."""
    return [_jobs[name] for name in sorted(_jobs)]
