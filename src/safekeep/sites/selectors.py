"""Reads for the sites pages: what a centre manager and IG see at a glance."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from safekeep.organisation.models import Site, StaffMember
from safekeep.records.models import Case
from safekeep.sites.models import (
    Checkout,
    Door,
    EndOfDayCheck,
    MissedCheck,
    PaperFile,
    Printer,
    Rotation,
    Visit,
)


def sites() -> QuerySet[Site]:
    return Site.objects.order_by("name")


def open_rotations(*, site: Site | None = None) -> QuerySet[Rotation]:
    rotations = Rotation.objects.filter(rotated_at__isnull=True).select_related(
        "door__site", "leaver"
    )
    return rotations.filter(door__site=site) if site is not None else rotations


def overdue_rotations(today: dt.date) -> QuerySet[Rotation]:
    return open_rotations().filter(due_on__lt=today)


def doors_of(site: Site) -> QuerySet[Door]:
    return Door.objects.filter(site=site).prefetch_related("holdings__staff")


def printers_of(site: Site) -> QuerySet[Printer]:
    return Printer.objects.filter(site=site)


def secure_printers() -> QuerySet[Printer]:
    return Printer.objects.exclude(release=Printer.Release.NONE).select_related("site")


def visits(*, site: Site, search: str = "") -> QuerySet[Visit]:
    found = Visit.objects.filter(site=site).select_related("accompanied_by")
    text = search.strip()
    if text:
        found = found.filter(
            Q(visitor_name__icontains=text)
            | Q(organisation__icontains=text)
            | Q(accompanied_by__family_name__icontains=text)
            | Q(accompanied_by__given_name__icontains=text)
        )
    return found


def visits_still_in(*, site: Site) -> QuerySet[Visit]:
    return Visit.objects.filter(site=site, signed_out_at__isnull=True).select_related(
        "accompanied_by"
    )


def not_signed_out_by_end_of_day(visit: Visit, now: dt.datetime) -> bool:
    """Flagged: still signed in after the day they came in (the centre closes each night)."""
    return visit.signed_out_at is None and timezone.localdate(visit.signed_in_at) < (
        timezone.localdate(now)
    )


def checks_of(site: Site) -> QuerySet[EndOfDayCheck]:
    return EndOfDayCheck.objects.filter(site=site).select_related("recorded_by")[:14]


def missed_checks(*, site: Site | None = None) -> QuerySet[MissedCheck]:
    missed = MissedCheck.objects.select_related("site")
    return missed.filter(site=site) if site is not None else missed


def paper_files_of(site: Site) -> QuerySet[PaperFile]:
    return PaperFile.objects.filter(site=site).select_related("case")


@dataclass(frozen=True, slots=True)
class FileState:
    paper_file: PaperFile
    checkout: Checkout | None
    overdue: bool


def file_states(files: QuerySet[PaperFile], today: dt.date) -> list[FileState]:
    out = {
        c.paper_file_id: c
        for c in Checkout.objects.filter(
            paper_file__in=files, returned_at__isnull=True
        ).select_related("staff")
    }
    states = []
    for paper_file in files:
        checkout = out.get(paper_file.pk)
        overdue = checkout is not None and checkout.due_back < today
        states.append(FileState(paper_file, checkout, overdue))
    return states


def case_file_states(case: Case, today: dt.date) -> list[FileState]:
    """The case's paper files, for its page (shown once the door let the person view it)."""
    return file_states(PaperFile.objects.filter(case=case).select_related("site"), today)


def overdue_checkouts(today: dt.date) -> QuerySet[Checkout]:
    return Checkout.objects.filter(returned_at__isnull=True, due_back__lt=today).select_related(
        "paper_file__site", "staff"
    )


def site_staff(today: dt.date) -> QuerySet[StaffMember]:
    """Who can accompany a visitor or hold a code: everyone working today."""
    return StaffMember.objects.active_on(today).order_by("family_name", "given_name")
