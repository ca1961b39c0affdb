"""The print server: a job goes to the printer's IPP queue held (CUPS
`job-hold-until=indefinite`) and prints only when released. CUPS's own `lp` client speaks
IPP to the server the queue URI names; no shell, a fixed argument list, a short timeout.
"""

from __future__ import annotations

import re
import shutil
import subprocess  # nosec B404 # runs only CUPS's lp, with a fixed argument list
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

TIMEOUT_SECONDS = 30
_REQUEST_ID = re.compile(r"request id is (\S+)")


class QueueError(Exception):
    """The print server did not take the job (or the release); the message says why."""


@dataclass(frozen=True, slots=True)
class Queue:
    server: str  # host:port
    name: str
    encrypted: bool

    @classmethod
    def from_uri(cls, uri: str) -> Queue:
        """`ipp://host[:port]/printers/NAME` (ipps: encrypted)."""
        parts = urlsplit(uri)
        path = parts.path.strip("/").split("/")
        if parts.scheme not in ("ipp", "ipps") or not parts.hostname or len(path) != 2:
            raise QueueError(f"{uri!r} is not an ipp://host/printers/NAME queue")
        port = parts.port or 631
        return cls(f"{parts.hostname}:{port}", path[1], parts.scheme == "ipps")


def _lp(*args: str) -> str:
    lp = shutil.which("lp")
    if lp is None:
        raise QueueError("CUPS's lp is not installed on this server (Debian: cups-client)")
    try:
        done = subprocess.run(  # noqa: S603  # nosec B603 # fixed arguments, no shell
            [lp, *args], capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise QueueError(f"the print server did not answer: {exc}") from exc
    if done.returncode != 0:
        raise QueueError(done.stderr.strip() or f"lp failed with status {done.returncode}")
    return done.stdout


def _server(queue: Queue) -> list[str]:
    return ["-E", "-h", queue.server] if queue.encrypted else ["-h", queue.server]


def submit_held(queue: Queue, pdf: Path, *, title: str, user: str) -> str:
    """Send `pdf` held until released; the server's job id (e.g. "CC1-MFD-12")."""
    said = _lp(
        *_server(queue),
        "-d",
        queue.name,
        "-U",
        user,
        "-t",
        title,
        "-o",
        "job-hold-until=indefinite",
        "--",
        str(pdf),
    )
    found = _REQUEST_ID.search(said)
    if found is None:
        raise QueueError(f"the print server did not give a job id: {said.strip()!r}")
    return found.group(1)


def release(queue: Queue, job_id: str) -> None:
    """Let the held job print now (IPP Release-Job, as `lp -H resume` sends it)."""
    _lp(*_server(queue), "-i", job_id, "-H", "resume")
