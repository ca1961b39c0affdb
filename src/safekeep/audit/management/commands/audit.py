"""`safekeep audit checkpoint | public-key | prove | verify | sequence` (docs/audit.md)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import BarColumn, Progress, TaskProgressColumn, TimeRemainingColumn

from safekeep.audit import chain, checkpoints, custody, merkle, proofs
from safekeep.audit.findings import ExternalCheckpoint
from safekeep.audit.models import ChainLink
from safekeep.audit.tree import StoredTree
from safekeep.audit.verify import verify_log
from safekeep.audit.wording import counted
from safekeep.audit.writing import Origin


class Command(BaseCommand):
    help = "Audit log: sign a checkpoint, prove an entry is in the log, verify the whole log."
    stealth_options = ("_rounds",)  # bounds `sequence --follow` in tests

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        checkpoint = sub.add_parser("checkpoint", help="sign the current tree size and root")
        checkpoint.add_argument("--json", action="store_true", help="print it as JSON")
        checkpoint.add_argument("--output", help="also write what is printed to this file")
        sub.add_parser("public-key", help="print the C2SP verifier key of the checkpoints")
        prove = sub.add_parser(
            "prove", help="print an inclusion proof for one entry, or a consistency proof"
        )
        prove.add_argument("entry", type=int, nargs="?", help="the entry's sequence number")
        prove.add_argument(
            "--at",
            help="prove the entry in the log of this tree size or checkpoint file "
            "(default: the log as it is now)",
        )
        prove.add_argument(
            "--consistency",
            nargs=2,
            metavar=("OLD", "NEW"),
            help="prove the log at NEW extends the log at OLD: each a tree size or a "
            "checkpoint file (its text or JSON)",
        )
        verify = sub.add_parser("verify", help="re-check the chain and every checkpoint")
        verify.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            help="a checkpoint kept elsewhere (its text, or the JSON)",
        )
        verify.add_argument(
            "--no-witness",
            action="store_true",
            help="do not compare with the witness or the schedule (a restored copy elsewhere)",
        )
        verify.add_argument("--no-progress", action="store_true")
        sequence = sub.add_parser("sequence", help="chain entries still waiting")
        sequence.add_argument(
            "--follow",
            action="store_true",
            help="keep chaining until stopped (a dedicated sequencer process)",
        )
        sequence.add_argument(
            "--interval",
            type=float,
            default=0.1,
            help="with --follow: seconds between looks at the queue (default 0.1)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['subcommand'].replace('-', '_')}")(options)

    def _sequence(self, options: dict[str, Any]) -> None:
        if not options["follow"]:
            self.stdout.write(f"Chained {chain.chain_pending()} waiting entries.")
            return
        self.stdout.write("Chaining audit entries as they commit; Ctrl-C to stop.")
        total = 0
        try:
            while options.get("_rounds", -1) != 0:  # `_rounds` bounds the loop in tests
                total += chain.chain_pending()
                checkpoints.checkpoint_if_due()
                options["_rounds"] = options.get("_rounds", -1) - 1
                time.sleep(max(options["interval"], 0.0))
        except KeyboardInterrupt:
            pass
        self.stdout.write(f"Stopped after chaining {total} entries.")

    def _checkpoint(self, options: dict[str, Any]) -> None:
        checkpoint = checkpoints.checkpoint_create(origin=Origin.command("audit checkpoint"))
        if options["json"]:
            text = json.dumps(checkpoints.checkpoint_export(checkpoint), indent=2) + "\n"
        else:
            text = checkpoints.checkpoint_note(checkpoint)
        if options["output"]:
            Path(options["output"]).write_text(text)
        self.stdout.write(text, ending="")

    def _public_key(self, options: dict[str, Any]) -> None:
        self.stdout.write(checkpoints.verifier_key())

    def _prove(self, options: dict[str, Any]) -> None:
        chain.chain_pending()
        try:
            if options["consistency"]:
                old, new = (self._size(given) for given in options["consistency"])
                document = proofs.consistency(old, new)
            elif options["entry"] is not None:
                link = ChainLink.objects.filter(sequence=options["entry"]).first()
                if link is None:
                    raise CommandError(f"There is no entry {options['entry']} in the audit log.")
                at = StoredTree(self._size(options["at"])) if options["at"] else None
                document = proofs.inclusion(link, at or StoredTree.current())
            else:
                raise CommandError("Give an entry's number, or --consistency OLD NEW.")
        except merkle.ProofError as exc:
            raise CommandError(f"Cannot prove it: {exc}.") from exc
        self.stdout.write(json.dumps(document, indent=2))

    @staticmethod
    def _size(given: str) -> int:
        """A tree size as given, or the size a checkpoint file signs (once it checks)."""
        if given.isdigit():
            return int(given)
        try:
            text = Path(given).read_text()
        except OSError as exc:
            raise CommandError(f"{given} is neither a tree size nor a checkpoint file.") from exc
        return proofs.signed_size(text, label=f"Checkpoint file {given}")

    def _verify(self, options: dict[str, Any]) -> None:
        external = []
        for name in options["checkpoint"]:
            try:
                text = Path(name).read_text()
                external.append(ExternalCheckpoint.from_text(text, label=f"Checkpoint file {name}"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read checkpoint file {name}: {exc}") from exc
        witnessed = None
        if not options["no_witness"]:
            try:
                witnessed = custody.read_witnessed()
            except (OSError, ValueError, ImproperlyConfigured) as exc:
                raise CommandError(f"Cannot read the witness: {exc}") from exc
        checks: dict[str, Any] = {
            "external": external,
            "witnessed": witnessed,
            "overdue": not options["no_witness"],
        }
        if options["no_progress"]:
            report = verify_log(**checks)
        else:
            with Progress(
                "Verifying audit log",
                BarColumn(),
                TaskProgressColumn(),
                TimeRemainingColumn(),
                console=None,
                transient=True,
            ) as bar:
                task = bar.add_task("verify", total=None)
                report = verify_log(
                    **checks,
                    total_callback=lambda total: bar.update(task, total=total),
                    progress=lambda step: bar.advance(task, step),
                )
        if options["no_witness"]:
            report.warnings.append("Not compared with the witness nor the schedule (--no-witness).")
        for warning in report.warnings:
            self.stderr.write(f"Warning: {warning}")
        for line in report.notes:
            self.stdout.write(line)
        for _, problem in report.problems:
            self.stderr.write(problem)
        for problem in report.custody:
            self.stderr.write(problem)
        if report.problems:
            first = report.first_bad_sequence
            summary = (
                f"The audit log has been tampered with: {counted(len(report.problems), 'problem')}."
            )
            if first is not None:
                summary += f" First bad entry: {first}."
            raise CommandError(summary)
        if report.custody:
            raise CommandError(
                f"The audit log's entries check, but its checkpoints are not safe: "
                f"{counted(len(report.custody), 'problem')}."
            )
        self.stdout.write(
            f"Audit log intact: {counted(report.entries, 'entry', 'entries')}, "
            f"{counted(report.checkpoints, 'checkpoint')} "
            f"checked, root {report.root_hash}."
        )
