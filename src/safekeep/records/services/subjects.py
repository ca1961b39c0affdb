"""Subjects: the people records are about, with their names and date of birth sealed."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from safekeep.organisation.models import StaffMember
from safekeep.records import sealing
from safekeep.records.models import Subject


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
