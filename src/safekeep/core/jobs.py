"""The scheduled jobs `safekeep run-jobs` runs: each app registers its own in its
AppConfig.ready, so the command knows every job without importing the apps above it.

A job must be idempotent: run-jobs is run by cron or a systemd timer every few minutes, so
a job does what is due at `now` and nothing the second time. Each job runs in its own
transaction (a failure rolls back that job alone) and says in a sentence what it did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from safekeep.audit.writing import Origin

JobRun = Callable[[dt.datetime, Origin], str]
"""(now, origin) -> a sentence saying what was done ("" when nothing was due)."""


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    describe: str
    run: JobRun


_jobs: dict[str, Job] = {}


def register_job(name: str, describe: str) -> Callable[[JobRun], JobRun]:
    """Decorator: add `run` to the scheduled jobs under `name` (kebab-case, unique)."""

    def add(run: JobRun) -> JobRun:
        if name in _jobs and _jobs[name].run is not run:
            raise ValueError(f"two scheduled jobs are called {name!r}")
        _jobs[name] = Job(name=name, describe=describe, run=run)
        return run

    return add


def scheduled_jobs() -> list[Job]:
    """Every registered job, by name (the order run-jobs runs them in)."""
    return [_jobs[name] for name in sorted(_jobs)]
