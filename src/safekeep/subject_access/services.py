"""Subject access requests: open, confirm identity, extend, withhold, export, purge.

Every step goes through the door's `subject_access` duty (information governance only) and
is audited against the subject, so the next request about them shows this one too.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from safekeep.access.door import DutyAccess
from safekeep.audit import checkpoints, proofs
from safekeep.audit.chain import chain_pending
from safekeep.audit.models import AuditEntry, ChainLink
from safekeep.audit.tree import StoredTree
from safekeep.audit.wording import action_words
from safekeep.audit.writing import Origin, audit_event
from safekeep.core.jobs import register_job
from safekeep.organisation.models import StaffMember
from safekeep.records.models import Case, Entry, Subject
from safekeep.records.selectors import entries_of, entry_view, subject_person
from safekeep.subject_access.clock import MAX_EXTENSION_MONTHS
from safekeep.subject_access.models import Export, SubjectAccessRequest, Withholding

KEEP_EXPORTS_DAYS = 30
ALLOWED_WORDS = {"allowed": "Yes", "refused": "No, refused", "done": "Yes", "failed": "No"}


class SarError(ValueError):
    """What IG asked for cannot be done (the message says why, in plain words)."""


def _audit(access: DutyAccess, request: SubjectAccessRequest, action: str, *reasons: str) -> None:
    audit_event(
        origin=access.origin,
        action=f"sar.{action}",
        decision=AuditEntry.Decision.DONE,
        object_type="sar",
        object_id=str(request.pk),
        subject_id=request.subject.subject_id,
        reasons=list(reasons),
    )


def seen(
    access: DutyAccess,
    request: SubjectAccessRequest | None,
    what: str,
    *reasons: str,
    subject_id: str = "",
) -> None:
    """A page of the request (or the list, a search, the form to open one when `request` is
    None) was shown: allowed by the door, recorded against the subject when there is one so
    their next request lists it."""
    audit_event(
        origin=access.origin,
        action=f"sar.{what}",
        decision=AuditEntry.Decision.ALLOWED,
        object_type="sar",
        object_id=str(request.pk) if request else "",
        subject_id=request.subject.subject_id if request else subject_id,
        reasons=[*access.decision.reasons, *reasons],
    )


@transaction.atomic
def open_request(
    access: DutyAccess, *, subject: Subject, received_on: dt.date
) -> SubjectAccessRequest:
    request = SubjectAccessRequest.objects.create(
        subject=subject, received_on=received_on, opened_by=access.staff, opened_at=timezone.now()
    )
    _audit(access, request, "open", f"received {received_on.isoformat()}")
    return request


@transaction.atomic
def confirm_identity(
    access: DutyAccess, request: SubjectAccessRequest, *, on: dt.date
) -> SubjectAccessRequest:
    """The clock starts again from the day the person's identity was confirmed."""
    if on < request.received_on:
        raise SarError("Identity cannot be confirmed before the request was received.")
    request.identity_confirmed_on = on
    request.save(update_fields=["identity_confirmed_on"])
    _audit(access, request, "identity", f"confirmed {on.isoformat()}")
    return request


@transaction.atomic
def extend(
    access: DutyAccess, request: SubjectAccessRequest, *, months: int, reason: str
) -> SubjectAccessRequest:
    """Up to two further months in all (complex or numerous requests), always with a reason."""
    if not reason.strip():
        raise SarError("Say why the request needs longer.")
    if months < 1 or request.extension_months + months > MAX_EXTENSION_MONTHS:
        raise SarError(
            f"A request can be extended by at most {MAX_EXTENSION_MONTHS} months in all."
        )
    request.extension_months += months
    request.extension_reason = reason.strip()
    request.save(update_fields=["extension_months", "extension_reason"])
    _audit(access, request, "extend", f"{months} month(s)", reason.strip())
    return request


@transaction.atomic
def withhold(
    access: DutyAccess, request: SubjectAccessRequest, *, entry: Entry, reason: str
) -> Withholding:
    if entry.case.subject_id != request.subject_id:
        raise SarError("That entry is not on this person's records.")
    if not reason.strip():
        raise SarError("Say why the entry is withheld (for example, third-party information).")
    held, _ = Withholding.objects.update_or_create(
        request=request,
        entry=entry,
        defaults={"reason": reason.strip(), "decided_by": access.staff},
    )
    _audit(access, request, "withhold", f"entry {entry.pk}", reason.strip())
    return held


@transaction.atomic
def release(access: DutyAccess, request: SubjectAccessRequest, *, entry: Entry) -> None:
    Withholding.objects.filter(request=request, entry=entry).delete()
    _audit(access, request, "release", f"entry {entry.pk}")


# --- the disclosure -----------------------------------------------------------------------


def _history_filter(subject: Subject) -> Q:
    case_ids = list(Case.objects.filter(subject=subject).values_list("case_id", flat=True))
    return Q(entry__subject_id=subject.subject_id) | Q(
        entry__object_type="case", entry__object_id__in=case_ids
    )


def _people(staff_ids: set[str]) -> dict[str, tuple[str, str]]:
    """Staff id -> (their name, their roles in words), for the person reading the history."""
    staff = StaffMember.objects.filter(staff_id__in=staff_ids).prefetch_related("roles")
    return {
        s.staff_id: (
            s.full_name,
            ", ".join(sorted(role.get_role_display() for role in s.roles.all())),
        )
        for s in staff
    }


def disclosure(request: SubjectAccessRequest, *, tree_size: int) -> dict[str, Any]:
    """subject-access.json exactly as DESIGN.md ("Information governance") gives it: the
    records (without the withheld entries), what was withheld and why, and every audit entry
    about the subject's records in the first `tree_size` entries of the log."""
    subject = request.subject
    person = subject_person(subject)
    held = {w.entry_id: w.reason for w in request.withholdings.all()}
    records, withheld = [], []
    for case in Case.objects.filter(subject=subject).order_by("case_id"):
        entries = []
        for entry in entries_of(case, with_sensitive=True).order_by("created_at", "id"):
            if entry.pk in held:
                withheld.append(
                    {"case_id": case.case_id, "entry": entry.pk, "reason": held[entry.pk]}
                )
                continue
            latest = entry_view(entry).latest
            entries.append(
                {
                    "title": latest.title,
                    "body": latest.body,
                    "recorded_at": timezone.localtime(entry.created_at).isoformat(),
                    "recorded_by": entry.author.full_name,
                }
            )
        records.append({"case_id": case.case_id, "entries": entries})
    links = (
        ChainLink.objects.filter(_history_filter(subject), sequence__lte=tree_size)
        .select_related("entry")
        .order_by("sequence")
    )
    people = _people({link.entry.actor_staff_id for link in links})
    unnamed = ("", "")
    history = [
        {
            "sequence": link.sequence,
            "time": proofs.entry_fields(link)["time"],
            "who": people.get(link.entry.actor_staff_id, unnamed)[0]
            or link.entry.actor_username
            or "Safekeep",
            "role": people.get(link.entry.actor_staff_id, unnamed)[1],
            "action": link.entry.action,
            "decision": link.entry.decision,
        }
        for link in links
    ]
    return {
        "subject": {
            "subject_id": subject.subject_id,
            "given_name": person.given_name,
            "family_name": person.family_name,
            "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        },
        "records": records,
        "withheld": withheld,
        "access_history": history,
    }


def _pdf(document: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # loads Pango: only when a PDF is wanted

    e = html.escape
    person = document["subject"]
    parts = [
        "<html><head><meta charset='utf-8'><style>body{font-family:sans-serif;font-size:11pt}"
        "table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:3px;"
        "text-align:left;font-size:9pt}h1{font-size:18pt}</style></head><body>",
        f"<h1>Your records: {e(person['given_name'])} {e(person['family_name'])}</h1>",
        "<p>You asked for the records the council holds about you and for who has looked at "
        "them. This is everything we hold, except anything listed under "
        "&ldquo;What we have not included&rdquo;.</p>",
    ]
    for record in document["records"]:
        parts.append(f"<h2>Case {e(record['case_id'])}</h2>")
        for entry in record["entries"]:
            parts.append(
                f"<h3>{e(entry['title'])}</h3><p><small>Written by {e(entry['recorded_by'])} "
                f"on {e(entry['recorded_at'][:10])}</small></p><p>{e(entry['body'])}</p>"
            )
    if document["withheld"]:
        parts.append("<h2>What we have not included</h2><ul>")
        parts += [
            f"<li>One entry on case {e(w['case_id'])}: {e(w['reason'])}</li>"
            for w in document["withheld"]
        ]
        parts.append("</ul>")
    parts.append(
        "<h2>Who has looked at your records</h2><p>Every time someone opened, searched for or "
        "was refused your records. The file proofs/ lets anyone check this list is complete "
        "and has not been changed.</p><table><tr><th>When</th><th>Who</th><th>Their role</th>"
        "<th>What</th><th>Allowed?</th></tr>"
    )
    parts += [
        f"<tr><td>{e(h['time'][:16].replace('T', ' '))} UTC</td><td>{e(h['who'])}</td>"
        f"<td>{e(h['role'])}</td><td>{e(action_words(h['action'], h['decision']))}</td>"
        f"<td>{e(ALLOWED_WORDS.get(h['decision'], h['decision']))}</td></tr>"
        for h in document["access_history"]
    ]
    parts.append("</table></body></html>")
    return bytes(HTML(string="".join(parts)).write_pdf())


def package(access: DutyAccess, request: SubjectAccessRequest, *, password: str) -> bytes:
    """The AES-256 (WinZip AES) ZIP: subject-access.pdf, subject-access.json and proofs/."""
    if len(password) < 8:
        raise SarError("The export password must be at least 8 characters.")
    checkpoint = checkpoints.checkpoint_create(origin=access.origin)
    document = disclosure(request, tree_size=checkpoint.tree_size)
    tree = StoredTree(checkpoint.tree_size)
    links = {
        link.sequence: link
        for link in ChainLink.objects.filter(
            sequence__in=[h["sequence"] for h in document["access_history"]]
        ).select_related("entry")
    }
    import pyzipper  # here, not at the top: half a second to import, needed only here

    buffer = io.BytesIO()
    with pyzipper.AESZipFile(
        buffer, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES
    ) as archive:
        archive.setpassword(password.encode())
        archive.setencryption(pyzipper.WZ_AES, nbits=256)
        archive.writestr("subject-access.json", json.dumps(document, indent=2, ensure_ascii=False))
        archive.writestr("subject-access.pdf", _pdf(document))
        archive.writestr("proofs/checkpoint.txt", checkpoints.checkpoint_note(checkpoint))
        archive.writestr("proofs/verifier-key.txt", checkpoints.verifier_key() + "\n")
        for sequence, link in sorted(links.items()):
            proof = proofs.inclusion(link, tree)
            archive.writestr(f"proofs/entry-{sequence}.json", json.dumps(proof, indent=2))
    _audit(
        access,
        request,
        "export",
        f"{len(document['access_history'])} access-history entries",
        f"{len(document['withheld'])} withheld",
    )
    return buffer.getvalue()


def preview(request: SubjectAccessRequest) -> dict[str, Any]:
    """The disclosure as it stands now (the log chained first, so every entry so far is in
    its history): what the export will hold, less the steps recorded after this preview."""
    chain_pending()
    return disclosure(request, tree_size=StoredTree.current().size)


def exports_dir() -> Path:
    path = Path(settings.DATA_DIR) / "sar-exports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


@transaction.atomic
def export(access: DutyAccess, request: SubjectAccessRequest, *, password: str) -> Export:
    """Write the package to the data directory (kept 30 days) and mark the request sent."""
    data = package(access, request, password=password)
    moment = timezone.now()
    path = exports_dir() / f"sar-{request.pk}-{moment:%Y%m%dT%H%M%S}.zip"
    path.write_bytes(data)
    path.chmod(0o600)
    request.status = SubjectAccessRequest.Status.SENT
    request.save(update_fields=["status"])
    return Export.objects.create(request=request, path=str(path), created_at=moment)


def download(access: DutyAccess, request: SubjectAccessRequest, item: Export) -> bytes:
    """The export's bytes for IG to send on; each download is audited."""
    if item.request_id != request.pk:
        raise SarError("That export is not for this request.")
    path = Path(item.path)
    if item.purged_at is not None or not path.exists():
        raise SarError(f"This export was deleted after {KEEP_EXPORTS_DAYS} days: make a new one.")
    data = path.read_bytes()
    _audit(access, request, "download", f"export {item.pk}", f"{len(data)} bytes")
    return data


@register_job("purge-sar-exports", "delete subject access exports older than 30 days")
def purge_exports(now: dt.datetime, origin: Origin) -> str:
    old = Export.objects.filter(
        purged_at__isnull=True, created_at__lt=now - dt.timedelta(days=KEEP_EXPORTS_DAYS)
    ).select_related("request__subject")
    count = 0
    for item in old:
        Path(item.path).unlink(missing_ok=True)
        item.purged_at = now
        item.save(update_fields=["purged_at"])
        audit_event(
            origin=origin,
            action="sar.export_purged",
            decision=AuditEntry.Decision.DONE,
            object_type="sar",
            object_id=str(item.request_id),
            subject_id=item.request.subject.subject_id,
            reasons=[f"made {item.created_at.isoformat()}"],
        )
        count += 1
    return f"Purged {count} subject access export(s) older than {KEEP_EXPORTS_DAYS} days."
