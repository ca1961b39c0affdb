"""The `safekeep` command line: Django's management commands under operator-friendly names.

`safekeep import staff FILE.csv` runs the `import_data` command, `safekeep foi-report` runs
`foi_report` (hyphens become underscores), and so on. `safekeep --help` lists the commands
grouped by job; it lists only commands that this installation actually has, so it stays
accurate as parts of Safekeep are added.
"""

from __future__ import annotations

import os
import sys

# Commands that run every system check, the URL configuration's too (_checked_without_urls).
RUN_EVERY_CHECK = {"serve", "check"}

# Names an operator types that are not valid Python module names.
ALIASES = {"import": "import_data"}

INTRO = """\
Safekeep — confidential records, seen only by those with a right or professional need.

usage: safekeep COMMAND [options]        safekeep COMMAND --help   (for one command)
"""

# (group, Django command name, what the operator types, what it does)
COMMANDS: list[tuple[str, str, str, str]] = [
    ("Running the service", "serve", "serve", "serve the web app (gunicorn, SAFEKEEP_BIND)"),
    ("Running the service", "migrate", "migrate", "create or update the database tables"),
    (
        "Running the service",
        "db_roles",
        "db-roles [--sql]",
        "PostgreSQL: grant the service's role its rights",
    ),
    (
        "Running the service",
        "demo",
        "demo [--if-empty] [--seed N]",
        "load the fictional demo council (never live)",
    ),
    (
        "Running the service",
        "demo_code",
        "demo-code EMAIL",
        "the current two-factor code of a demo account",
    ),
    (
        "Running the service",
        "createadmin",
        "createadmin --staff-id ID",
        "create a system administrator's sign-in",
    ),
    (
        "Running the service",
        "account",
        "account invite --staff-id ID",
        "a new member of staff's one-time set-up link (72 hours)",
    ),
    (
        "Running the service",
        "run_jobs",
        "run-jobs [--only JOB] [--list]",
        "run every scheduled job that is due (cron or a timer)",
    ),
    ("Running the service", "backup", "backup FILE", "write an encrypted, consistent backup"),
    (
        "Running the service",
        "restore",
        "restore FILE",
        "restore into an empty database, then verify it",
    ),
    (
        "Data exchange (all-or-nothing, idempotent; docs/data-formats.md)",
        "import_data",
        "import KIND FILE.csv [--create-missing]",
        "import staff, cases, devices, ... from CSV",
    ),
    (
        "Information governance",
        "access",
        "access explain --staff ID --case ID ...",
        "the access decision and why",
    ),
    (
        "Information governance",
        "sar",
        "sar export --subject ID --output FILE.zip",
        "a subject access disclosure",
    ),
    (
        "Information governance",
        "foi_report",
        "foi-report [--as-of DATE] --format F",
        "answer the FOI questionnaire from live data",
    ),
    (
        "Information governance",
        "leavers",
        "leavers [--as-of DATE] [--json]",
        "every leaver and what is still open for them",
    ),
    (
        "Information governance",
        "foi",
        "foi deadline --received DATE [--responded D]",
        "the FOI clock in working days",
    ),
    (
        "Information governance",
        "audit",
        "audit verify | checkpoint | public-key | prove | sequence",
        "check the tamper-evident audit log",
    ),
    (
        "Information governance",
        "retention",
        "retention due|approve|hold|release|disposed",
        "records due for disposal, IG's approval, legal holds",
    ),
    ("Keys and integrations", "keys", "keys status | rotate | retire V", "key-encryption keys"),
    ("Keys and integrations", "api_token", "api-token create --user EMAIL", "an API token"),
    (
        "Keys and integrations",
        "scim_token",
        "scim-token create [--name NAME]",
        "the SCIM provisioning client's token",
    ),
]


def render_help(available: set[str] | None = None) -> str:
    """The overview, listing only commands in `available` (all of them when None)."""
    lines = [INTRO.rstrip()]
    group = ""
    for heading, name, usage, description in COMMANDS:
        if available is not None and name not in available:
            continue
        if heading != group:
            group = heading
            lines.append(f"\n{heading}")
        lines.append(f"  {usage:<42} {description}")
        if name == "import_data" and available is not None:
            import textwrap

            from safekeep.core.csv_import import importer_kinds

            indent = " " * 45
            kinds = ", ".join(importer_kinds()) or "none yet"
            lines.append(
                textwrap.fill(
                    f"KIND: {kinds}", width=100, initial_indent=indent, subsequent_indent=indent
                )
            )
    lines.append("\nOther Django management commands work too (safekeep help lists them all).")
    return "\n".join(lines) + "\n"


def _available_commands() -> set[str] | None:
    """Command names this installation has, or None if Django cannot start (then list all)."""
    try:
        import django
        from django.core.management import get_commands

        django.setup()
        return set(get_commands())
    except Exception:  # the overview must print even with a broken configuration
        return None


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safekeep.settings")
    if not args or args[0] in {"-h", "--help"}:
        sys.stdout.write(render_help(_available_commands()))
        return
    args[0] = ALIASES.get(args[0], args[0].replace("-", "_"))
    from django.core.management import execute_from_command_line

    execute_from_command_line(["safekeep", *_checked_without_urls(args)])


def _checked_without_urls(args: list[str]) -> list[str]:
    """Runs every system check but the URL configuration's, and tells the command not to run
    them again.

    The URL check imports every page, form and the API: about 2 s of CPU, most of a
    command's start, paid by each cron job, import and `audit verify`. Only a server needs
    them imported, and `serve` (like `check`) runs every check itself.
    """
    import django
    from django.core.checks import Tags
    from django.core.checks.registry import registry
    from django.core.management import get_commands, load_command_class
    from django.core.management.base import SystemCheckError

    django.setup()
    name = args[0]
    app = get_commands().get(name)
    if name in RUN_EVERY_CHECK or app is None or "--skip-checks" in args:
        return args
    command = load_command_class(app, name)
    if not command.requires_system_checks:
        return args
    try:
        command.check(tags=sorted(registry.tags_available() - {Tags.urls}))
    except SystemCheckError as exc:  # as Django's own run prints it
        sys.stderr.write(f"{exc}\n")
        sys.exit(1)
    return [name, "--skip-checks", *args[1:]]


if __name__ == "__main__":
    main()
