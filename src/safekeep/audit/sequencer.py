"""The sequencer: chains committed entries in batches, off the request path.

`audit_event` only inserts an entry and its queue row in the caller's transaction. After
the commit it announces `writing.entries_committed`, which wakes this process's sequencer
thread (connected in `AuditConfig.ready`); the thread waits a moment (so a burst of
commits becomes one batch), then runs `chain.chain_pending` in its own connection and
closes that connection. Like Trillian's log signer: writers never wait for the chain.

Modes (`conf.sequencer_mode`):
* `background` — the thread above (started lazily on first use, restarted after a fork);
* `sync` — chain straight after each commit in the caller's thread (the default on a test
  database, so tests are deterministic and no thread outlives a test);
* `external` — do nothing here; `safekeep audit sequence --follow` runs as its own process.
Whatever the mode, readers that need the chain (verify, prove, checkpoint, the reports)
call `chain_pending()` first, so they never miss an entry that is still waiting.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from typing import Any

from django.db import connection

from safekeep.audit import conf
from safekeep.audit.chain import chain_pending
from safekeep.audit.checkpoints import checkpoint_if_due

logger = logging.getLogger(__name__)

IDLE_POLL_SECONDS = 10.0  # also picks up entries a process left behind when it stopped
# Scheduled checkpoints are looked for at most this often per process (not every batch).
CHECKPOINT_LOOK_SECONDS = 30.0
RETRY_SECONDS = 1.0


class Sequencer:
    """One background chaining thread per process."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self._pid = os.getpid()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.batches = 0  # chaining rounds run (for tests and the benchmark)
        self.chained = 0
        self._checkpoint_looked_at = -CHECKPOINT_LOOK_SECONDS  # monotonic seconds

    def notify(self) -> None:
        """An entry has committed: chain it (and whatever joins it) within `delay` seconds."""
        self._ensure_running()
        self._wake.set()

    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and self._pid == os.getpid()

    def _ensure_running(self) -> None:
        if self.running():
            return
        with self._guard:
            if self._pid != os.getpid():  # a forked child: the parent's thread is not here
                self._reset()
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self.batches = self.chained = 0
                self._thread = threading.Thread(
                    target=self._run, name="safekeep-audit-sequencer", daemon=True
                )
                self._thread.start()

    def stop(self, *, timeout: float = 5.0) -> None:
        """Stop the thread after its current batch (tests, shutdown)."""
        thread = self._thread
        self._stop.set()
        self._wake.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _run(self) -> None:
        delay = conf.sequencer_delay()
        while not self._stop.is_set():
            woken = self._wake.wait(IDLE_POLL_SECONDS)
            if self._stop.is_set():
                break
            if woken:
                time.sleep(delay)  # let the rest of a burst commit: one batch, one lock
            self._wake.clear()  # a commit after this wakes the next round
            try:
                self.chained += chain_pending()
                self.batches += 1
                if time.monotonic() - self._checkpoint_looked_at >= CHECKPOINT_LOOK_SECONDS:
                    self._checkpoint_looked_at = time.monotonic()
                    checkpoint_if_due()
            except Exception:
                logger.exception("audit sequencer: chaining failed; retrying shortly")
                time.sleep(RETRY_SECONDS)
            finally:
                connection.close()  # this thread's own connection; none held between batches


sequencer = Sequencer()


def after_commit(**_signal: Any) -> None:
    """Receives `entries_committed`: once per committed transaction that wrote entries."""
    mode = conf.sequencer_mode()
    if mode == conf.SYNC:
        chain_pending()
    elif mode == conf.BACKGROUND:
        sequencer.notify()


def start_serving() -> None:
    """A serving process starts its thread at once (`safekeep.wsgi`), so whatever an earlier
    process left waiting (one killed mid-burst) is chained without a new request.

    Started only by the first audited request, the thread left those entries waiting while
    nothing but `/readyz` was called (it writes no entry); after the lag limit `/readyz`
    failed, the load balancer sent no requests, and the instance stayed not ready for good.
    """
    if conf.sequencer_mode() == conf.BACKGROUND:
        sequencer.notify()


@atexit.register
def _drain_at_exit() -> None:
    """A process that is ending chains what it wrote, if its thread was running."""
    if not sequencer.running():
        return
    sequencer.stop(timeout=2.0)
    try:
        chain_pending()
    except Exception:  # the next sequencer picks the entries up anyway
        logger.warning("audit sequencer: entries left waiting at exit", exc_info=True)
