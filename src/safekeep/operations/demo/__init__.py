"""The demo council: a list of steps, each loading one part of the fictional council.

A step is a function `step(*, rng: random.Random, today: datetime.date, console: Console)`
that writes its part with bulk inserts. Steps run in order inside one transaction, so a
failing step leaves nothing behind. Each part is a module of this package (`council`,
`casework`, `devices`); a step whose module does not exist yet is skipped, so the parts
still to come (sites, governance) are listed already.

Everything is generated from one seed (`safekeep demo --seed N`): the same seed gives the
same council. Names are made up (faker, en_GB) and every email address ends in `.example`.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils.module_loading import import_string
from rich.console import Console

from safekeep.audit.writing import Origin, audit_event

DEMO_STEPS: list[str] = [
    "safekeep.operations.demo.council.load_organisation",
    "safekeep.operations.demo.casework.load_caseloads",
    "safekeep.operations.demo.devices.load_fleet",
    "safekeep.operations.demo.leavers.load_leavers",
    "safekeep.operations.demo.sites.load_sites",
    "safekeep.operations.demo.reviews.load_reviews",
    "safekeep.operations.demo.governance.load_governance",
    "safekeep.operations.demo.retention.load_retention",
]

DEFAULT_SEED = 2020

Step = Callable[..., object]


@dataclass(frozen=True, slots=True)
class StepRun:
    path: str
    seconds: float
    skipped: bool


def resolve_steps(paths: list[str] | None = None) -> list[tuple[str, Step | None]]:
    """Each step path with its function, or None when its module is not there (yet)."""
    resolved: list[tuple[str, Step | None]] = []
    for path in DEMO_STEPS if paths is None else paths:
        module = path.rpartition(".")[0]
        try:
            resolved.append((path, import_string(path)))
        except ModuleNotFoundError as exc:
            # Only a step module that is missing is skipped; a broken one is an error.
            if exc.name is None or not module.startswith(exc.name):
                raise
            resolved.append((path, None))
    return resolved


def demo_load(
    *,
    seed: int = DEFAULT_SEED,
    today: dt.date,
    console: Console,
    steps: list[str] | None = None,
) -> list[StepRun]:
    """Run every available step in one transaction and audit the load (seed and steps only)."""
    runs: list[StepRun] = []
    with transaction.atomic():
        for path, step in resolve_steps(steps):
            if step is None:
                runs.append(StepRun(path, 0.0, skipped=True))
                continue
            # Each step gets its own generator so adding a step never changes another's data.
            rng = random.Random(f"{seed}:{path}")  # noqa: S311  # nosec B311 # made-up demo data, not secrets
            started = time.perf_counter()
            step(rng=rng, today=today, console=console)
            runs.append(StepRun(path, time.perf_counter() - started, skipped=False))
        audit_event(
            origin=Origin.command("demo"),
            action="demo.load",
            decision="done",
            reasons=[f"seed {seed}", *(run.path for run in runs if not run.skipped)],
        )
    return runs
