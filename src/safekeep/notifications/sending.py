"""Sending an email once its change commits, and the one audit entry each email leaves.

Nothing from the record travels: an email names its item by case reference and links to
the page behind sign-in. The audit entry names the recipient by staff id and the item by
type and id, never what the email said; a failure is logged too, with the error's kind and
SMTP code only (an SMTP error's text may quote the address).
"""

from __future__ import annotations

import functools
import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.mail import EmailMessage
from django.db import transaction

from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import Origin, audit_event

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Email:
    """One email to one member of staff, about one item (`object_type`, `object_id`)."""

    staff_id: str
    address: str
    subject: str
    body: str
    object_type: str
    object_id: str


def send_after_commit(emails: Sequence[Email], *, origin: Origin) -> None:
    """Send these when the change commits: a change that rolls back sends nothing."""
    if emails:
        transaction.on_commit(functools.partial(deliver, tuple(emails), origin), robust=True)


def deliver(emails: Sequence[Email], origin: Origin) -> None:
    """Send each email on its own, so one refused recipient holds up no other."""
    for email in emails:
        _deliver_one(email, origin)


def _deliver_one(email: Email, origin: Origin) -> None:
    if not email.address:
        _record(origin, "notification.skipped", AuditEntry.Decision.DONE, email, "no email address")
        return
    message = EmailMessage(subject=email.subject, body=email.body, to=[email.address])
    try:
        message.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as error:
        kind, code = type(error).__name__, smtp_code(error)
        logger.warning(
            "notification: email to staff %s about %s %s failed: %s, SMTP code %s",
            email.staff_id,
            email.object_type,
            email.object_id,
            kind,
            code or "none",
        )
        reasons = [f"error {kind}", *([f"SMTP code {code}"] if code else [])]
        _record(origin, "notification.failed", AuditEntry.Decision.FAILED, email, *reasons)
        return
    _record(origin, "notification.sent", AuditEntry.Decision.DONE, email)


def smtp_code(error: BaseException) -> int | None:
    """The SMTP server's reply code, where it gave one (none when it could not be reached)."""
    if isinstance(error, smtplib.SMTPResponseException):
        return int(error.smtp_code)
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        return int(next(iter(error.recipients.values()))[0])
    return None


def _record(origin: Origin, action: str, decision: str, email: Email, *reasons: str) -> None:
    audit_event(
        origin=origin,
        action=action,
        decision=decision,
        object_type=email.object_type,
        object_id=email.object_id,
        reasons=[f"to staff {email.staff_id}", *reasons],
    )
