"""Writes for the sites: door codes, rotations, visitors, end-of-day checks, paper files.

Each service runs in one transaction and writes its audit entry with the change. Door codes
are sealed (sites.sealing); a code is shown only to its current holders, and every showing
is audited. Paper files go out only to someone the door lets view the case (the caller
passes the `CaseAccess` it returned), so a leaver never takes one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from safekeep.access.door import CaseAccess
from safekeep.audit.writing import Origin, audit_change, audit_event
from safekeep.organisation.models import Site, StaffMember
from safekeep.sites import calendar, conf, sealing
from safekeep.sites.errors import SitesError
from safekeep.sites.models import (
    Checkout,
    Door,
    DoorCodeHolder,
    EndOfDayCheck,
    MissedCheck,
    PaperFile,
    Rotation,
    Visit,
)

CODE_PATTERN = re.compile(r"[0-9A-Za-z#*]{4,12}")
NAME_LENGTH = 200


def _require_active(staff: StaffMember, today: dt.date, *, field: str) -> None:
    if staff.is_leaver(today) or staff.start_date > today:
        raise SitesError(f"{staff.full_name} is not working for the council today", field=field)


# --- door codes ----------------------------------------------------------------------------


def door_code_record(
    *,
    manager: StaffMember,
    door: Door,
    code: str,
    holders: Iterable[StaffMember],
    origin: Origin,
    now: dt.datetime | None = None,
) -> Door:
    """Record the door's new code and who holds it; every rotation due on it is done."""
    moment = now or timezone.now()
    today = timezone.localdate(moment)
    code = code.strip()
    if not CODE_PATTERN.fullmatch(code):
        raise SitesError("Enter a code of 4 to 12 digits or letters", field="code")
    people = list({person.pk: person for person in holders}.values())
    if not people:
        raise SitesError("Choose at least one person who holds the new code", field="holders")
    for person in people:
        _require_active(person, today, field="holders")
    with transaction.atomic():
        door = Door.objects.select_for_update().get(pk=door.pk)
        door.code_sealed = sealing.seal_code(door_pk=door.pk, code=code)
        door.code_set_at = moment
        door.code_set_by = manager
        door.save(update_fields=["code_sealed", "code_set_at", "code_set_by"])
        DoorCodeHolder.objects.filter(door=door).delete()
        DoorCodeHolder.objects.bulk_create(DoorCodeHolder(door=door, staff=p) for p in people)
        rotated = Rotation.objects.filter(door=door, rotated_at__isnull=True).update(
            rotated_at=moment
        )
        audit_event(
            origin=origin,
            action="door_code.change",
            decision="done",
            object_type="door",
            object_id=str(door.pk),
            reasons=[
                f"{door.name} at {door.site.name}",
                f"holders {', '.join(sorted(p.staff_id for p in people))}",
                f"rotations done {rotated}",
            ],
        )
    return door


def door_code_reveal(*, staff: StaffMember, door: Door, origin: Origin) -> str:
    """The door's code, for one of its current holders; anyone else is refused. Audited
    either way (the refusal is recorded before it is raised, so it stays recorded)."""
    holds = DoorCodeHolder.objects.filter(door=door, staff=staff).exists()
    shown = holds and bool(door.code_sealed)
    why = "a current holder" if shown else "not a current holder" if not holds else "no code yet"
    with transaction.atomic():
        audit_event(
            origin=origin,
            action="door_code.view",
            decision="allowed" if shown else "refused",
            object_type="door",
            object_id=str(door.pk),
            reasons=[f"{door.name} at {door.site.name}", why],
        )
    if not shown:
        raise SitesError("Only the people who hold this door's code can see it")
    return sealing.open_code(door_pk=door.pk, text=door.code_sealed)


def rotations_for_leavers(staff_pks: Iterable[int], *, origin: Origin) -> int:
    """Every door code these leavers held becomes rotation due, by the deadline (working
    days after their last day). Idempotent: a rotation exists once per door and leaver."""
    created = 0
    working_days = conf.setting("SAFEKEEP_DOOR_CODE_ROTATION_WORKING_DAYS")
    holdings = DoorCodeHolder.objects.filter(staff_id__in=list(staff_pks)).select_related(
        "door__site", "staff"
    )
    for holding in holdings:
        left_on = holding.staff.end_date or timezone.localdate()
        rotation, made = Rotation.objects.get_or_create(
            door=holding.door,
            leaver=holding.staff,
            defaults={"due_on": calendar.add_working_days(left_on, working_days)},
        )
        if made:
            created += 1
            audit_event(
                origin=origin,
                action="door_code.rotation_due",
                decision="done",
                object_type="door",
                object_id=str(holding.door.pk),
                reasons=[
                    f"{holding.door.name} at {holding.door.site.name}",
                    f"holder {holding.staff.staff_id} left on {left_on.isoformat()}",
                    f"due {rotation.due_on.isoformat()}",
                ],
            )
    return created


# --- visitors ------------------------------------------------------------------------------


def visit_sign_in(
    *,
    by: StaffMember,
    site: Site,
    visitor_name: str,
    organisation: str,
    accompanied_by: StaffMember,
    origin: Origin,
    now: dt.datetime | None = None,
) -> Visit:
    moment = now or timezone.now()
    visitor_name, organisation = visitor_name.strip(), organisation.strip()
    if not visitor_name:
        raise SitesError("Enter the visitor's name", field="visitor_name")
    if not organisation:
        raise SitesError("Enter the organisation the visitor is from", field="organisation")
    if len(visitor_name) > NAME_LENGTH or len(organisation) > NAME_LENGTH:
        raise SitesError(f"Names can be at most {NAME_LENGTH} characters", field="visitor_name")
    _require_active(accompanied_by, timezone.localdate(moment), field="accompanied_by")
    with transaction.atomic():
        visit = Visit.objects.create(
            site=site,
            visitor_name=visitor_name,
            organisation=organisation,
            accompanied_by=accompanied_by,
            signed_in_at=moment,
            signed_in_by=by,
        )
        audit_change(
            origin,
            "visit.sign_in",
            visit,
            reasons=[f"at {site.name}", f"accompanied by {accompanied_by.staff_id}"],
        )
    return visit


def visit_sign_out(*, visit: Visit, origin: Origin, now: dt.datetime | None = None) -> Visit:
    if visit.signed_out_at is not None:
        raise SitesError("This visitor has already signed out")
    with transaction.atomic():
        visit.signed_out_at = now or timezone.now()
        visit.save(update_fields=["signed_out_at"])
        audit_change(origin, "visit.sign_out", visit, reasons=[f"at {visit.site.name}"])
    return visit


# --- end-of-day checks ---------------------------------------------------------------------


def end_of_day_record(
    *,
    by: StaffMember,
    site: Site,
    laptops_locked: bool,
    paper_locked: bool,
    note: str,
    origin: Origin,
    now: dt.datetime | None = None,
) -> EndOfDayCheck:
    """Tonight's check at `site`. Anything not locked needs a note saying why."""
    moment = now or timezone.now()
    day = timezone.localdate(moment)
    note = note.strip()
    if not (laptops_locked and paper_locked) and not note:
        raise SitesError("Say what was not locked away, and why", field="note")
    if EndOfDayCheck.objects.filter(site=site, day=day).exists():
        raise SitesError("Tonight's check at this site has already been recorded")
    with transaction.atomic():
        check = EndOfDayCheck.objects.create(
            site=site,
            day=day,
            laptops_locked=laptops_locked,
            paper_locked=paper_locked,
            note=note[:500],
            recorded_by=by,
            recorded_at=moment,
        )
        audit_change(
            origin,
            "end_of_day.record",
            check,
            reasons=[
                f"at {site.name} on {day.isoformat()}",
                f"laptops locked {'yes' if laptops_locked else 'no'}",
                f"paper records locked {'yes' if paper_locked else 'no'}",
            ],
        )
    return check


def missed_checks_flag(*, now: dt.datetime, origin: Origin) -> int:
    """Flag the last working day at every site with locked storage whose check is missing.
    Run in the morning (by run-jobs); a day is flagged once."""
    today = timezone.localdate(now)
    day = calendar.previous_working_day(today)
    checked = EndOfDayCheck.objects.filter(day=day).values("site")
    flagged = MissedCheck.objects.filter(day=day).values("site")
    missing = (
        Site.objects.filter(locked_storage=True).exclude(pk__in=checked).exclude(pk__in=flagged)
    )
    count = 0
    for site in missing:
        missed = MissedCheck.objects.create(site=site, day=day, flagged_at=now)
        audit_change(origin, "end_of_day.missed", missed, reasons=[f"at {site.name}"])
        count += 1
    return count


# --- paper files ---------------------------------------------------------------------------


def paper_file_check_out(
    *,
    access: CaseAccess,
    paper_file: PaperFile,
    due_back: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Checkout:
    """Check the case's paper file out to the person the door let view it."""
    moment = now or timezone.now()
    today = timezone.localdate(moment)
    if paper_file.case_id != access.case.pk:
        raise SitesError("That paper file belongs to another case")
    due = due_back or today + dt.timedelta(days=conf.setting("SAFEKEEP_PAPER_FILE_DAYS"))
    if due < today:
        raise SitesError("The return date cannot be in the past", field="due_back")
    if access.staff.end_date is not None and due > access.staff.end_date:
        raise SitesError("The file must be back by their last working day", field="due_back")
    with transaction.atomic():
        if Checkout.objects.filter(paper_file=paper_file, returned_at__isnull=True).exists():
            raise SitesError("This paper file is already checked out")
        checkout = Checkout.objects.create(
            paper_file=paper_file, staff=access.staff, checked_out_at=moment, due_back=due
        )
        audit_change(
            access.origin,
            "paper_file.check_out",
            paper_file,
            subject_id=access.case.subject.subject_id,
            reasons=[*access.decision.reasons, f"due back {due.isoformat()}"],
        )
    return checkout


def paper_file_return(
    *, paper_file: PaperFile, origin: Origin, now: dt.datetime | None = None
) -> Checkout:
    with transaction.atomic():
        checkout = (
            Checkout.objects.select_for_update()
            .filter(paper_file=paper_file, returned_at__isnull=True)
            .first()
        )
        if checkout is None:
            raise SitesError("This paper file is in its cabinet")
        checkout.returned_at = now or timezone.now()
        checkout.save(update_fields=["returned_at"])
        audit_change(
            origin,
            "paper_file.return",
            paper_file,
            subject_id=paper_file.case.subject.subject_id,
            reasons=[f"returned by {checkout.staff.staff_id}"],
        )
    return checkout
