"""The `safekeep` command line: Django's management commands under operator-friendly names.

`safekeep import staff FILE.csv`, `safekeep foi-report`, `safekeep audit verify`, ... each
maps to a management command; `safekeep --help` lists them.
"""

from __future__ import annotations

import os
import sys

# Names an operator types that are not valid Python module names.
ALIASES = {"import": "import_data", "foi-report": "foi_report"}

HELP = """\
Safekeep — confidential records, seen only by those with a right or professional need.

usage: safekeep COMMAND [options]

Operating the service
  serve                 serve the web app with gunicorn (SAFEKEEP_BIND, default 127.0.0.1:8000)
  migrate               create or update the database tables
  demo [--if-empty]     load the fictional demo council
  createadmin           create a system administrator account

Data exchange (all-or-nothing, idempotent; see docs/data-formats.md)
  import staff FILE.csv
  import cases FILE.csv
  import risk-assessments FILE.csv

Information governance
  access explain --staff ID --case ID --action ACTION [--device TAG] [--json]

Every command has its own --help. Other Django management commands are available too.
"""


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safekeep.settings")
    if not args or args[0] in {"-h", "--help", "help"}:
        print(HELP)
        return
    args[0] = ALIASES.get(args[0], args[0].replace("-", "_"))
    from django.core.management import execute_from_command_line

    execute_from_command_line(["safekeep", *args])


if __name__ == "__main__":
    main()
