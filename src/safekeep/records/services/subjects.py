"""Subjects: the people records are about, with their names and date of birth sealed."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db import transaction

from safekeep.access.door import CaseAccess
from safekeep.access.vocabulary import Action
from safekeep.organisation.models import StaffMember
from safekeep.records import details as person_details
from safekeep.records import nhs_number, sealing
from safekeep.records.details import PersonDetails
from safekeep.records.models import Subject, SubjectDetails
from safekeep.records.services._recording import record_change, require_allowed
from safekeep.records.services.errors import RecordsError


@transaction.atomic
def subject_create(
    *,
    subject_id: str,
    kind: str,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date | None = None,
    restricted: bool = False,
    staff: StaffMember | None = None,
) -> Subject:
    """A subject with sealed names and date of birth. The row comes first (its data key is
    named after its pk); the sealed values follow in the same transaction."""
    subject = Subject.objects.create(
        subject_id=subject_id, kind=kind, restricted=restricted, staff=staff
    )
    subject_details_set(
        subject=subject, given_name=given_name, family_name=family_name, date_of_birth=date_of_birth
    )
    return subject


def subject_details_set(
    *, subject: Subject, given_name: str, family_name: str, date_of_birth: dt.date | None
) -> Subject:
    """Reseal a subject's names and date of birth, with fresh blind indexes."""
    sealing.seal_subject(
        subject, given_name=given_name, family_name=family_name, date_of_birth=date_of_birth
    )
    subject.save(update_fields=sealing.SUBJECT_SEALED_FIELDS)
    return subject


def check_details(details: PersonDetails, *, kind: str) -> PersonDetails:
    """The details as they will be kept: a valid NHS number (as ten digits), statuses that
    apply to this kind of person, no blank contacts, alerts or dates."""
    digits = ""
    if details.nhs_number.strip():
        problem = nhs_number.problem(details.nhs_number)
        if problem is not None:
            raise RecordsError(problem, field="nhs_number")
        digits = nhs_number.normalise(details.nhs_number)
    allowed = person_details.statuses_for(kind)
    wrong = [code for code in details.legal_statuses if code not in allowed]
    if wrong:
        raise RecordsError("Choose only legal statuses that apply to this person", field="legal")
    return dataclasses.replace(
        details,
        address=details.address.strip(),
        nhs_number=digits,
        contacts=tuple(c for c in details.contacts if c.name.strip()),
        key_dates=tuple(d for d in details.key_dates if d.what.strip()),
        alerts=tuple(a.strip() for a in details.alerts if a.strip()),
    )


def person_details_set(*, access: CaseAccess, details: PersonDetails) -> SubjectDetails:
    """Keep the case's person's details, sealed; one audit entry ("subject.details")."""
    require_allowed(access, Action.EDIT)
    subject = access.case.subject
    details = check_details(details, kind=subject.kind)
    with transaction.atomic():
        row = SubjectDetails.objects.select_for_update().filter(subject=subject).first()
        if row is None:
            row = SubjectDetails(subject=subject)
        row.updated_by, row.updated_at = access.staff, access.context.now
        sealing.seal_details(row, details=details)
        row.save()
        record_change(access, "subject.details", subject, access.case)
    return row
