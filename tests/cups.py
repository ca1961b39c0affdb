"""A real CUPS server for the printing tests: Debian's `cupsd` on a free local port, with
one cups-pdf printer whose PDFs land in a folder the test reads.

Like a print server, it converts the PDF to PostScript for the printer (cups-pdf turns it
back into a PDF). cups-pdf reads its settings from /etc/cups/cups-pdf-<name>.conf for a
printer whose device URI is `cups-pdf:/<name>`; the server writes one for its own printer
(a name of its own, so two test runs side by side do not meet) and removes it when it stops.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess  # nosec B404 # starts the test's own cupsd
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CUPS_REQUIRED = os.environ.get("SAFEKEEP_REQUIRE_CUPS") == "1"
CUPS_PDF_PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
CUPS_PDF_CONF = Path("/etc/cups")
SKIP_MESSAGE = (
    "CUPS tests skipped: cupsd, cups-pdf or pdftotext not found. Install Debian's cups, "
    "printer-driver-cups-pdf and poppler-utils (sudo apt-get install cups "
    "printer-driver-cups-pdf poppler-utils) to run them."
)

CUPSD_CONF = """\
Listen 127.0.0.1:{port}
LogLevel info
Browsing No
WebInterface No
DefaultAuthType None
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order allow,deny
    Allow all
  </Limit>
</Policy>
"""
CUPS_FILES_CONF = """\
ServerRoot {root}
RequestRoot {root}/spool
CacheDir {root}/cache
StateDir {root}/state
TempDir {root}/tmp
ErrorLog {root}/log/error_log
AccessLog {root}/log/access_log
PageLog {root}/log/page_log
SystemGroup root
"""


def missing() -> str:
    """Why the CUPS tests cannot run here ("" when they can)."""
    if not all(shutil.which(tool) for tool in ("cupsd", "lp", "lpadmin", "pdftotext")):
        return SKIP_MESSAGE
    if not CUPS_PDF_PPD.exists() or not os.access(CUPS_PDF_CONF, os.W_OK):
        return SKIP_MESSAGE + " (cups-pdf's settings in /etc/cups must be writable)"
    return ""


@dataclass(frozen=True)
class CupsServer:
    port: int
    printer: str
    output: Path

    @property
    def queue_uri(self) -> str:
        return f"ipp://127.0.0.1:{self.port}/printers/{self.printer}"

    def jobs(self) -> str:
        done = subprocess.run(  # noqa: S603  # nosec B603 # fixed arguments
            ["lpstat", "-h", f"127.0.0.1:{self.port}", "-o", self.printer],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
        return done.stdout

    def pdfs(self, *, wait: float = 0.0) -> list[Path]:
        """The PDFs printed so far, waiting up to `wait` seconds for the first one to be
        written to its end (cups-pdf writes the file as the job runs)."""
        deadline = time.monotonic() + wait
        while True:
            found = sorted(self.output.glob("*.pdf"))
            if all(_complete(pdf) for pdf in found) and (found or time.monotonic() >= deadline):
                return found
            if time.monotonic() >= deadline:
                return found
            time.sleep(0.2)


def _complete(pdf: Path) -> bool:
    return pdf.read_bytes().rstrip().endswith(b"%%EOF")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True)  # noqa: S603  # nosec B603


@contextmanager
def cups_server() -> Iterator[CupsServer]:
    """cupsd's filters run as the lp user, so its folders are not under pytest's private
    temporary folder (mode 0700) but in a folder of their own that lp can enter."""
    root = Path(tempfile.mkdtemp(prefix="safekeep-cups-"))
    root.chmod(0o755)
    try:
        with _serving(root) as server:
            yield server
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def _serving(root: Path) -> Iterator[CupsServer]:
    port = _free_port()
    name = f"safekeep-test-{os.getpid()}"
    for folder in ("spool", "cache", "state", "tmp", "log", "out"):
        (root / folder).mkdir(parents=True)
    (root / "tmp").chmod(0o1777)
    (root / "out").chmod(0o777)
    (root / "cupsd.conf").write_text(CUPSD_CONF.format(port=port))
    (root / "cups-files.conf").write_text(CUPS_FILES_CONF.format(root=root))
    conf = CUPS_PDF_CONF / f"cups-pdf-{name}.conf"
    conf.write_text(f"Out {root}/out\nAnonDirName {root}/out\nGrp root\nLog {root}/log\n")
    server = subprocess.Popen(  # noqa: S603  # nosec B603 # fixed arguments
        [
            shutil.which("cupsd") or "cupsd",
            "-f",
            "-c",
            str(root / "cupsd.conf"),
            "-s",
            str(root / "cups-files.conf"),
        ]
    )
    try:
        _wait_for(port)
        _run(
            "lpadmin",
            "-h",
            f"127.0.0.1:{port}",
            "-p",
            "SafekeepPDF",
            "-E",
            "-v",
            f"cups-pdf:/{name}",
            "-P",
            str(CUPS_PDF_PPD),
            # The PDF-to-PostScript step that keeps the text extractable (pdftotext reads
            # the printed PDF); poppler's and Ghostscript's lose the fonts' character maps.
            "-o",
            "pdftops-renderer-default=pdftocairo",
        )
        yield CupsServer(port, "SafekeepPDF", root / "out")
    finally:
        server.terminate()
        server.wait(timeout=10)
        conf.unlink(missing_ok=True)


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"cupsd did not start listening on port {port}")
