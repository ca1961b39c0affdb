"""`safekeep run-jobs`: every scheduled job that is due, each in its own transaction (a
planned job's reading and planning before it), safe to run as often as you like (DESIGN.md,
"run-jobs"). Each run of each job is audited."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import audit_event
from safekeep.core.jobs import scheduled_jobs
from safekeep.operations.origins import ACTOR_HELP, operator_origin


class Command(BaseCommand):
    help = "Run every scheduled job that is due (leavers, door codes, reviews, retention, …)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only",
            action="append",
            default=[],
            metavar="JOB",
            help="run only this job (repeatable); --list shows the names",
        )
        parser.add_argument("--list", action="store_true", help="list the jobs and stop")
        parser.add_argument("--actor", default="", metavar="STAFF_ID", help=ACTOR_HELP)

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = scheduled_jobs()
        if options["list"]:
            for job in jobs:
                self.stdout.write(f"{job.name}: {job.describe}")
            return
        known = {job.name for job in jobs}
        unknown = sorted(set(options["only"]) - known)
        if unknown:
            raise CommandError(
                f"--only {', '.join(unknown)}: no such job (the jobs: {', '.join(sorted(known))})."
            )
        if options["only"]:
            jobs = [job for job in jobs if job.name in options["only"]]
        origin = operator_origin("run-jobs", options["actor"])
        failed: list[str] = []
        for job in jobs:
            started = time.perf_counter()
            try:
                write = job.plan(timezone.now())  # outside the transaction: core/jobs.py
                with transaction.atomic():
                    said = write(origin)
                    audit_event(
                        origin=origin,
                        action="jobs.run",
                        object_type="job",
                        object_id=job.name,
                        decision=AuditEntry.Decision.DONE,
                        reasons=[said] if said else [],
                    )
            except Exception as exc:  # one job's failure must not stop the others
                failed.append(job.name)
                audit_event(
                    origin=origin,
                    action="jobs.run",
                    object_type="job",
                    object_id=job.name,
                    decision=AuditEntry.Decision.FAILED,
                    reasons=[f"{type(exc).__name__}: {exc}"],
                )
                self.stderr.write(f"{job.name}: FAILED — {type(exc).__name__}: {exc}")
                continue
            took = time.perf_counter() - started
            self.stdout.write(f"{job.name}: {said or 'nothing due'} ({took:.2f} s)")
        if failed:
            raise CommandError(f"{len(failed)} job(s) failed: {', '.join(failed)}.")
