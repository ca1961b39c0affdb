"""Holding the log to what left the database: the witnesses' copies and the checkpoint schedule.

`verify` (verify.py) checks each witnessed checkpoint's signature and root against the log
like any other; this module adds what only a witness can show — a checkpoint deleted from
the database, a witness that is behind — and whether a checkpoint is overdue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from safekeep.audit import conf, witness
from safekeep.audit.checkpoints import CHECKPOINT_ACTION, WITNESS_ACTION, checkpoint_note
from safekeep.audit.findings import ExternalCheckpoint, VerifyReport
from safekeep.audit.models import AuditEntry, ChainLink, Checkpoint
from safekeep.audit.wording import counted


@dataclass(frozen=True, slots=True)
class Place:
    """One witness directory and the checkpoints it holds, by number."""

    sink: witness.DirectorySink
    held: dict[int, ExternalCheckpoint]


@dataclass(frozen=True, slots=True)
class Witnessed:
    configuration: witness.Configuration
    places: tuple[Place, ...]

    def copies(self) -> list[ExternalCheckpoint]:
        return [cp for place in self.places for cp in place.held.values()]


def read_witnessed(configuration: witness.Configuration | None = None) -> Witnessed:
    """Every checkpoint the configured witness directories hold (OSError if one is unreadable)."""
    configuration = configuration or witness.configuration()
    places = []
    for sink in configuration.directories:
        held = {
            number: ExternalCheckpoint(text, f"The witness's checkpoint {number} ({path})", number)
            for number, (path, text) in sink.read().items()
        }
        places.append(Place(sink, held))
    return Witnessed(configuration, tuple(places))


def recorded_checkpoints() -> dict[int, int]:
    """Checkpoint number -> the sequence of the log entry that recorded its signing."""
    rows = ChainLink.objects.filter(entry__action=CHECKPOINT_ACTION).values_list(
        "entry__object_id", "sequence"
    )
    return {int(number): sequence for number, sequence in rows if number.isdigit()}


def _numbers(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10])
    return shown + (f" and {len(numbers) - 10} more" if len(numbers) > 10 else "")


def check_witness(report: VerifyReport, witnessed: Witnessed, stored: list[Checkpoint]) -> None:
    configuration = witnessed.configuration
    if not configuration.sinks:
        report.warnings.append(
            "No witness is configured (SAFEKEEP_AUDIT_WITNESS=none): someone with the database "
            "could cut the log's tail, or rewrite it and delete its checkpoints, and verify "
            "would not see it. Configure one (docs/operations.md)."
        )
        return
    if configuration.default:
        report.warnings.append(
            f"The witness is the default directory {configuration.directories[0].path}, on "
            "this server: it catches changes made through the database alone. Point "
            "SAFEKEEP_AUDIT_WITNESS at storage that the database's holders cannot change "
            "(docs/operations.md)."
        )
    if not configuration.directories:
        report.warnings.append(
            "No witness is a directory, so verify cannot compare the log with what the "
            "witnesses hold: add a dir: witness, or check their copies with --checkpoint FILE."
        )
    by_number = {cp.pk: cp for cp in stored}
    known = set(by_number) | set(recorded_checkpoints())
    for place in witnessed.places:
        _check_place(report, place, by_number, known)
    readable = {place.sink.spec for place in witnessed.places}
    for sink in configuration.sinks:
        if sink.spec not in readable:
            report.notes.append(
                f"{sink.spec} is sent every checkpoint; verify cannot read it back (compare "
                "its copies with `safekeep audit verify --checkpoint FILE`)."
            )
    _check_failures(report, readable, newest=max(known, default=0))


def _check_place(
    report: VerifyReport, place: Place, stored: dict[int, Checkpoint], known: set[int]
) -> None:
    where = place.sink.path
    for number, copy in sorted(place.held.items()):
        row = stored.get(number)
        if row is None:
            report.add(
                0,
                f"Checkpoint {number} is in the witness ({where}) but not in the database: "
                "it has been deleted.",
            )
        elif checkpoint_note(row) != copy.note:
            report.add(
                0,
                f"Checkpoint {number} in the database is not the checkpoint {number} the "
                f"witness ({where}) holds: one of them has been replaced.",
            )
    if not place.held:
        if known:
            report.custody.append(
                f"The witness {where} holds no checkpoint, but the database has "
                f"{len(stored)}: the witness is behind. If it is new, `safekeep audit "
                "checkpoint` starts it; otherwise see why it failed (the `audit.witness` "
                "entries and the service log)."
            )
        else:
            report.notes.append(f"The witness {where} holds no checkpoint yet.")
        return
    first = min(place.held)
    missing = sorted(n for n in known if n >= first and n not in place.held)
    if missing:
        report.custody.append(
            f"The witness {where} is behind: it lacks checkpoint {_numbers(missing)}, which "
            "the database has. The next checkpoint fills it in; until then see why it failed "
            "(the `audit.witness` entries and the service log)."
        )
    newest = max(place.held)
    report.notes.append(
        f"Witness {where}: {counted(len(place.held), 'checkpoint')}, {first} to {newest}."
    )


def _check_failures(report: VerifyReport, readable: set[str], *, newest: int) -> None:
    """Deliveries to witnesses verify cannot read (syslog, e-mail), as the log recorded them."""
    failed = AuditEntry.objects.filter(
        action=WITNESS_ACTION, decision=AuditEntry.Decision.FAILED
    ).values_list("object_id", "reasons", "link__sequence")
    for number, reasons, sequence in failed:
        spec, error = [*reasons, "", ""][:2]
        if spec in readable:
            continue  # the directory itself was compared above
        message = (
            f"Checkpoint {number} did not reach {spec}: {error} (entry {sequence or 'waiting'})."
        )
        if number == str(newest):
            report.custody.append(f"The witness is behind. {message}")
        else:
            report.warnings.append(message)


def check_overdue(report: VerifyReport, *, covered: int, now: dt.datetime | None = None) -> None:
    """Entries waiting longer than the checkpoint interval plus grace for a checkpoint."""
    minutes = conf.checkpoint_interval_minutes()
    if minutes == 0:
        report.notes.append(
            "Scheduled checkpoints are off (SAFEKEEP_AUDIT_CHECKPOINT_MINUTES=0): whether one "
            "is overdue was not checked."
        )
        return
    grace = conf.checkpoint_grace_minutes()
    waiting = (
        ChainLink.objects.filter(sequence__gt=covered)
        .exclude(entry__action=CHECKPOINT_ACTION)
        .select_related("entry")
        .order_by("sequence")
        .first()
    )
    if waiting is None:
        return
    moment = now or timezone.now()
    waited = moment - waiting.entry.occurred_at
    if waited <= dt.timedelta(minutes=minutes + grace):
        return
    since = timezone.localtime(waiting.entry.occurred_at).strftime("%d %B %Y %H:%M")
    report.custody.append(
        f"A checkpoint is overdue: entry {waiting.sequence} (recorded {since}) has waited "
        f"{int(waited.total_seconds() // 60)} minutes for one; the newest good checkpoint "
        f"covers {covered} entries, and one is due every {minutes} minutes with {grace} "
        "minutes' grace. Is the sequencer running? `safekeep audit checkpoint` signs one now."
    )
