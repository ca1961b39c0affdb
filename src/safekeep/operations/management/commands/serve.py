"""`safekeep serve`: the production web server (gunicorn + WhiteNoise)."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve the web app with gunicorn on SAFEKEEP_BIND (default 127.0.0.1:8000)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("SAFEKEEP_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("SAFEKEEP_WORKERS", "2"))
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from django.db import connections
        from gunicorn.app.wsgiapp import run

        # The system checks ran queries here, in gunicorn's arbiter: a connection left open
        # would be inherited by every forked worker, which then talk over one socket at once
        # (on PostgreSQL: "the last operation didn't produce records", a worker dying at boot).
        connections.close_all()

        self.stdout.write(f"Safekeep is serving on http://{options['bind']}/ (Ctrl+C stops it)")
        sys.argv = [
            "gunicorn",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--access-logfile",
            "-",
            "safekeep.wsgi:application",
        ]
        run()
