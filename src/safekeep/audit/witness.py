"""Witnesses: every signed checkpoint also leaves the database, to places its holder cannot edit.

Someone with the database can cut the log's tail or rewrite its history and delete the
checkpoints that would show it; they cannot take back a checkpoint already written
elsewhere. `SAFEKEEP_AUDIT_WITNESS` is a comma-separated list of:

- `dir:/path` — one file per checkpoint (`0000000007.checkpoint`, the C2SP text), created
  exclusively (never overwritten), mode 0600, flushed to disk. `audit verify` reads these.
- `syslog:/dev/log`, `syslog:HOST:PORT` (UDP, port 514 if left out) — one message per
  checkpoint to the syslog or SIEM (facility authpriv).
- `email:ADDRESS` — one e-mail per checkpoint (Django's mail settings), body = the text.
- `none` — no witness (`verify` says so).

Unset: `dir:<DATA_DIR>/witness`, which catches someone who has only the database; point it
at other storage to catch someone who has the host too (docs/operations.md).

Delivery happens after the checkpoint commits. A failure never loses the checkpoint (it is
in the database) nor holds up the log: it is logged, written to the log as `audit.witness`
`failed`, and `verify` reports the witness as behind. A directory witness fills in what it
missed at the next checkpoint.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail

from safekeep.audit import conf

logger = logging.getLogger(__name__)

DEFAULT_DIRECTORY = "witness"
SUFFIX = ".checkpoint"
SYSLOG_PORT = 514


class WitnessError(Exception):
    """A checkpoint could not be handed to a witness."""


@dataclass(frozen=True, slots=True)
class Copy:
    """One checkpoint as a witness receives it: its number and its signed text."""

    number: int
    tree_size: int
    note: str


@dataclass(frozen=True, slots=True)
class DirectorySink:
    path: Path

    @property
    def spec(self) -> str:
        return f"dir:{self.path}"

    def file_for(self, number: int) -> Path:
        return self.path / f"{number:010d}{SUFFIX}"

    def numbers(self) -> list[int]:
        """The checkpoint numbers the directory holds, ascending."""
        if not self.path.is_dir():
            return []
        found = (p.name[: -len(SUFFIX)] for p in self.path.iterdir() if p.name.endswith(SUFFIX))
        return sorted(int(stem) for stem in found if stem.isdigit())

    def deliver(self, copy: Copy) -> None:
        self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        target = self.file_for(copy.number)
        data = copy.note.encode()
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            if target.read_bytes() == data:
                return  # already witnessed
            raise WitnessError(
                f"{target} already holds a different checkpoint {copy.number}; it is never "
                "overwritten (was the database's checkpoint deleted and its number reused?)"
            ) from None
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError:
            target.unlink(missing_ok=True)  # no half-written copy
            raise
        directory = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    def read(self) -> dict[int, tuple[Path, str]]:
        # A damaged file is read as it is: verify reports it rather than stopping.
        return {
            n: (self.file_for(n), self.file_for(n).read_text(errors="replace"))
            for n in self.numbers()
        }


class _RaisingSysLogHandler(logging.handlers.SysLogHandler):
    def handleError(self, record: logging.LogRecord) -> None:
        raise  # called inside emit's except block: the sink's failure goes to the caller


@dataclass(frozen=True, slots=True)
class SyslogSink:
    address: str | tuple[str, int]

    @property
    def spec(self) -> str:
        if isinstance(self.address, str):
            return f"syslog:{self.address}"
        return f"syslog:{self.address[0]}:{self.address[1]}"

    def deliver(self, copy: Copy) -> None:
        handler = _RaisingSysLogHandler(
            address=self.address, facility=logging.handlers.SysLogHandler.LOG_AUTHPRIV
        )
        handler.ident = "safekeep-audit: "
        handler.append_nul = False
        try:
            # The note as a JSON string: one line, and the exact text comes back from it.
            message = f"checkpoint {copy.number} size {copy.tree_size} {json.dumps(copy.note)}"
            handler.emit(logging.LogRecord(__name__, logging.INFO, "", 0, message, None, None))
        finally:
            handler.close()


@dataclass(frozen=True, slots=True)
class EmailSink:
    address: str

    @property
    def spec(self) -> str:
        return f"email:{self.address}"

    def deliver(self, copy: Copy) -> None:
        send_mail(
            subject=f"Safekeep audit checkpoint {copy.number} ({copy.tree_size} entries)",
            message=copy.note,
            from_email=None,
            recipient_list=[self.address],
            fail_silently=False,
        )


Sink = DirectorySink | SyslogSink | EmailSink  # each has `spec` and `deliver(copy)`


@dataclass(frozen=True, slots=True)
class Configuration:
    sinks: tuple[Sink, ...]
    default: bool  # SAFEKEEP_AUDIT_WITNESS unset: the directory inside the data directory

    @property
    def directories(self) -> list[DirectorySink]:
        return [sink for sink in self.sinks if isinstance(sink, DirectorySink)]


def configuration() -> Configuration:
    """The witnesses `SAFEKEEP_AUDIT_WITNESS` names; a clear error for an item it cannot use."""
    raw = conf.witness_setting()
    if raw is None:
        return Configuration((DirectorySink(Path(settings.DATA_DIR) / DEFAULT_DIRECTORY),), True)
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if items == ["none"]:
        return Configuration((), False)
    return Configuration(tuple(_sink(item, n) for n, item in enumerate(items, 1)), False)


def _sink(item: str, position: int) -> Sink:
    kind, _, rest = item.partition(":")
    where = f"SAFEKEEP_AUDIT_WITNESS item {position} ({item!r})"
    if kind == "dir" and rest.startswith("/"):
        return DirectorySink(Path(rest))
    if kind == "syslog" and rest.startswith("/"):
        return SyslogSink(rest)
    if kind == "syslog" and rest:
        host, _, port = rest.rpartition(":") if ":" in rest else (rest, "", str(SYSLOG_PORT))
        if host and port.isdigit() and 0 < int(port) < 65536:
            return SyslogSink((host, int(port)))
        raise ImproperlyConfigured(f"{where}: the syslog port must be a number from 1 to 65535.")
    if kind == "email" and "@" in rest:
        return EmailSink(rest)
    raise ImproperlyConfigured(
        f"{where} must be dir:/ABSOLUTE/PATH, syslog:/dev/log, syslog:HOST:PORT, "
        "email:ADDRESS, or the single word none."
    )


@dataclass(frozen=True, slots=True)
class Failure:
    number: int
    spec: str
    error: str

    def __str__(self) -> str:
        return f"checkpoint {self.number} did not reach {self.spec}: {self.error}"


@dataclass(slots=True)
class Delivery:
    """What one publication did: each witness it failed to reach, and why."""

    failures: list[Failure] = field(default_factory=list)


Earlier = Callable[[int, int], Iterable[Copy]]  # (first, last): the database's checkpoints


def publish(copy: Copy, *, earlier: Earlier = lambda first, last: ()) -> Delivery:
    """Hand a committed checkpoint to every witness; never raises.

    A directory witness also writes what it is missing of `earlier(first, copy.number)`,
    from its own first checkpoint on (a share that was unmounted catches up).
    """
    delivery = Delivery()
    try:
        witnesses = configuration().sinks
    except ImproperlyConfigured as exc:
        delivery.failures.append(Failure(copy.number, "SAFEKEEP_AUDIT_WITNESS", str(exc)))
        return delivery
    for sink in witnesses:
        copies = [copy]
        if isinstance(sink, DirectorySink):
            try:
                held = set(sink.numbers())
            except OSError:
                held = set()
            first = min(held, default=copy.number)
            if sum(first <= n < copy.number for n in held) < copy.number - first:  # a hole
                missed = earlier(first, copy.number)
                copies = [c for c in missed if c.number not in held] + copies
        for each in copies:
            try:
                sink.deliver(each)
            except Exception as exc:  # any sink's failure is reported, never raised
                failure = Failure(each.number, sink.spec, str(exc) or type(exc).__name__)
                logger.error("audit witness: %s", failure)
                delivery.failures.append(failure)
    return delivery
