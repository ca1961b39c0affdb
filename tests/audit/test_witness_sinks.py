"""Each witness receives every checkpoint; one that fails loses nothing and holds nothing up."""

from __future__ import annotations

import email
import json
import os
import socket
import socketserver
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from safekeep.audit.checkpoints import checkpoint_if_due, checkpoint_note, witness_publish
from safekeep.audit.findings import ExternalCheckpoint
from safekeep.audit.models import AuditEntry, Checkpoint
from tests.audit.conftest import Capture, sign, verify_command, write_entries

pytestmark = pytest.mark.django_db


def failures() -> list[list[str]]:
    return [
        list(reasons)
        for reasons in AuditEntry.objects.filter(action="audit.witness", decision="failed")
        .order_by("id")
        .values_list("reasons", flat=True)
    ]


def test_every_checkpoint_leaves_one_private_file_in_the_witness_directory(
    django_capture_on_commit_callbacks: Capture, tmp_path: Path, settings: Any
) -> None:
    share = tmp_path / "share"
    settings.SAFEKEEP_AUDIT_WITNESS = f"dir:{share}"
    write_entries(5)
    first = sign(django_capture_on_commit_callbacks)
    second = sign(django_capture_on_commit_callbacks)
    assert sorted(p.name for p in share.iterdir()) == [
        f"{first.pk:010d}.checkpoint",
        f"{second.pk:010d}.checkpoint",
    ]
    copy = share / f"{second.pk:010d}.checkpoint"
    assert copy.read_text() == checkpoint_note(second)
    assert copy.read_text().startswith("safekeep.invalid/audit\n6\n")
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert failures() == []


def test_the_scheduled_checkpoint_is_witnessed_too(
    django_capture_on_commit_callbacks: Capture, tmp_path: Path, settings: Any
) -> None:
    settings.SAFEKEEP_AUDIT_CHECKPOINT_MINUTES = 60
    write_entries(3)
    with django_capture_on_commit_callbacks(execute=True):
        checkpoint = checkpoint_if_due()
    assert checkpoint is not None
    assert (tmp_path / "witness" / f"{checkpoint.pk:010d}.checkpoint").read_text() == (
        checkpoint_note(checkpoint)
    )


def test_a_witness_file_is_never_overwritten(
    django_capture_on_commit_callbacks: Capture, tmp_path: Path, settings: Any
) -> None:
    share = tmp_path / "share"
    settings.SAFEKEEP_AUDIT_WITNESS = f"dir:{share}"
    write_entries(5)
    first = sign(django_capture_on_commit_callbacks)
    assert witness_publish(first).failures == []  # the same checkpoint again: nothing to do
    squatter = share / f"{first.pk + 1:010d}.checkpoint"
    squatter.write_text("written by someone else\n")
    second = sign(django_capture_on_commit_callbacks)
    assert Checkpoint.objects.filter(pk=second.pk).exists()  # the checkpoint is not lost
    assert squatter.read_text() == "written by someone else\n"
    assert failures() == [
        [
            f"dir:{share}",
            f"{squatter} already holds a different checkpoint {second.pk}; it is never "
            "overwritten (was the database's checkpoint deleted and its number reused?)",
        ]
    ]
    failure, _, err = verify_command()
    assert failure == "The audit log has been tampered with: 2 problems."
    assert (
        f"The witness's checkpoint {second.pk} ({squatter}) does not check: it is not a signed "
        "note (text, a blank line, signature lines)."
    ) in err
    assert (
        f"Checkpoint {second.pk} in the database is not the checkpoint {second.pk} the witness "
        f"({share}) holds: one of them has been replaced."
    ) in err


def test_a_failing_witness_loses_nothing_blocks_nothing_and_catches_up(
    django_capture_on_commit_callbacks: Capture, tmp_path: Path, settings: Any
) -> None:
    share = tmp_path / "share"
    settings.SAFEKEEP_AUDIT_WITNESS = f"dir:{share}"
    write_entries(5)
    first = sign(django_capture_on_commit_callbacks)
    os.rename(share, tmp_path / "unmounted")
    share.write_text("")  # the share is gone: its mount point is not a directory
    second = sign(django_capture_on_commit_callbacks)
    assert Checkpoint.objects.filter(pk=second.pk).exists()
    [(where, error)] = failures()
    assert where == f"dir:{share}"
    assert "File exists" in error or "Not a directory" in error
    write_entries(3)  # the log goes on
    assert AuditEntry.objects.count() == 5 + 2 + 1 + 3

    share.unlink()
    os.rename(tmp_path / "unmounted", share)
    failure, _, err = verify_command()
    assert failure == (
        "The audit log's entries check, but its checkpoints are not safe: 1 problem."
    )
    assert (
        f"The witness {share} is behind: it lacks checkpoint {second.pk}, which the database has."
    ) in err

    third = sign(django_capture_on_commit_callbacks)  # fills in what the witness missed
    assert sorted(p.name for p in share.iterdir()) == [
        f"{n:010d}.checkpoint" for n in (first.pk, second.pk, third.pk)
    ]
    failure, out, _ = verify_command()
    assert failure == ""
    assert f"Witness {share}: 3 checkpoints, {first.pk} to {third.pk}." in out


def test_syslog_witness_sends_the_exact_text_to_a_real_socket(
    django_capture_on_commit_callbacks: Capture, settings: Any
) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as receiver:
        receiver.bind(("127.0.0.1", 0))
        receiver.settimeout(5)
        port = receiver.getsockname()[1]
        settings.SAFEKEEP_AUDIT_WITNESS = f"syslog:127.0.0.1:{port}"
        write_entries(4)
        checkpoint = sign(django_capture_on_commit_callbacks)
        message = receiver.recv(65536).decode()
    prefix = f"<86>safekeep-audit: checkpoint {checkpoint.pk} size 4 "  # authpriv.info
    assert message.startswith(prefix)
    assert json.loads(message[len(prefix) :]) == checkpoint_note(checkpoint)
    assert failures() == []


def test_a_syslog_witness_that_fails_is_reported_by_verify(
    django_capture_on_commit_callbacks: Capture, tmp_path: Path, settings: Any
) -> None:
    socket_path = tmp_path / "no-such-log"
    settings.SAFEKEEP_AUDIT_WITNESS = f"dir:{tmp_path / 'share'},syslog:{socket_path}"
    write_entries(4)
    checkpoint = sign(django_capture_on_commit_callbacks)
    [(where, error)] = failures()
    assert where == f"syslog:{socket_path}"
    assert "No such file or directory" in error
    failure, out, err = verify_command()
    assert failure == (
        "The audit log's entries check, but its checkpoints are not safe: 1 problem."
    )
    assert (
        f"The witness is behind. Checkpoint {checkpoint.pk} did not reach syslog:{socket_path}: "
        f"{error} (entry {checkpoint.tree_size + 2})."
    ) in err
    assert f"syslog:{socket_path} is sent every checkpoint; verify cannot read it back" in out
    assert "No witness is a directory" not in err


def test_email_witness_sends_the_text_to_ig(
    django_capture_on_commit_callbacks: Capture, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SAFEKEEP_AUDIT_WITNESS = "email:ig@council.example"
    write_entries(2)
    checkpoint = sign(django_capture_on_commit_callbacks)
    [sent] = mail.outbox
    assert sent.to == ["ig@council.example"]
    assert sent.subject == f"Safekeep audit checkpoint {checkpoint.pk} (2 entries)"
    assert sent.body == checkpoint_note(checkpoint)


def test_a_witness_setting_that_cannot_work_is_named(
    django_capture_on_commit_callbacks: Capture, settings: Any
) -> None:
    settings.SAFEKEEP_AUDIT_WITNESS = "dir:/tmp/ok,ftp:archive"
    write_entries(1)
    sign(django_capture_on_commit_callbacks)  # the checkpoint is made all the same
    message = (
        "SAFEKEEP_AUDIT_WITNESS item 2 ('ftp:archive') must be dir:/ABSOLUTE/PATH, "
        "syslog:/dev/log, syslog:HOST:PORT, email:ADDRESS, or the single word none."
    )
    assert failures() == [["SAFEKEEP_AUDIT_WITNESS", message]]
    assert verify_command()[0] == f"Cannot read the witness: {message}"


def test_verify_says_it_cannot_read_a_witness_that_is_not_a_directory(
    django_capture_on_commit_callbacks: Capture, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SAFEKEEP_AUDIT_WITNESS = "email:ig@council.example"
    write_entries(2)
    sign(django_capture_on_commit_callbacks)
    failure, _, err = verify_command()
    assert failure == ""
    assert (
        "Warning: No witness is a directory, so verify cannot compare the log with what the "
        "witnesses hold: add a dir: witness, or check their copies with --checkpoint FILE."
    ) in err


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) to take one message: what Django's SMTP backend says."""

    def handle(self) -> None:
        self.wfile.write(b"220 witness.test ESMTP\r\n")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"DATA":
                self.wfile.write(b"354 go ahead\r\n")
                body = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    body += chunk
                self.server.messages.append(body)  # type: ignore[attr-defined]
                self.wfile.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


def test_email_witness_through_a_real_smtp_server(
    django_capture_on_commit_callbacks: Capture, settings: Any
) -> None:
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpHandler) as server:
        server.messages = []  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.server_address[1]
        settings.EMAIL_TIMEOUT = 5
        settings.SAFEKEEP_AUDIT_WITNESS = "email:ig@council.example"
        write_entries(2)
        checkpoint = sign(django_capture_on_commit_callbacks)
        server.shutdown()
    [raw] = server.messages  # type: ignore[attr-defined]
    message = email.message_from_bytes(raw)
    assert message["To"] == "ig@council.example"
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    # Mail travels with CRLF line ends; saved as a file, it still verifies (--checkpoint).
    assert payload.decode() == checkpoint_note(checkpoint).replace("\n", "\r\n")
    text = ExternalCheckpoint.from_text(payload.decode(), label="the e-mail").note
    assert text == checkpoint_note(checkpoint)
    assert failures() == []


def test_an_email_witness_whose_server_refuses_is_recorded(
    django_capture_on_commit_callbacks: Capture, settings: Any
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # nothing listens once this is closed
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.SAFEKEEP_AUDIT_WITNESS = "email:ig@council.example"
    write_entries(2)
    checkpoint = sign(django_capture_on_commit_callbacks)
    assert Checkpoint.objects.filter(pk=checkpoint.pk).exists()
    [(where, error)] = failures()
    assert where == "email:ig@council.example"
    assert "Connection refused" in error
