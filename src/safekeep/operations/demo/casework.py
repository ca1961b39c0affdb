"""The demo council's caseloads: a step of `safekeep demo` (`load_caseloads`).

Every active practitioner holds 15-30 cases of their own team, each with a history of
notes and assessments (some edited, some sensitive). Around them: co-workers and
supervising managers, restricted subjects, named conflicts, records about staff members,
volunteers allocated to a few cases (with and without an approved assessment), leavers
whose old allocations ended, a few access requests waiting for managers and break-glass
uses waiting for IG. Everything is written with bulk inserts so the whole demo stays
well under a minute. Names, dates of birth and entry text are sealed like any other
(records.sealing): subjects are inserted first, since their keys are named after their ids.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
from collections import Counter, defaultdict

from django.db import connection
from django.utils import timezone
from faker import Faker
from rich.console import Console

from safekeep.crypto.envelope import data_keys_create, key_session
from safekeep.operations.demo.council import DEMO_ACCOUNTS
from safekeep.organisation.models import Classification, EmploymentType, StaffMember
from safekeep.records import details as person_details
from safekeep.records import nhs_number, sealing
from safekeep.records.details import Contact, KeyDate, PersonDetails
from safekeep.records.models import (
    AccessGrant,
    Allocation,
    BreakGlass,
    Case,
    CaseClosure,
    Entry,
    EntryDraft,
    EntryVersion,
    Subject,
    SubjectConflict,
    SubjectDetails,
)

ADULTS_DIRECTORATE = "Adults and Health"
NOTE_TITLES = [
    "Home visit",
    "Telephone call with parent",
    "School liaison",
    "Strategy discussion",
    "Case supervision",
    "GP contact",
    "Visit to placement",
    "Team around the family meeting",
    "Review meeting",
    "Contact with housing",
]
ASSESSMENT_TITLES = [
    "Single assessment",
    "Care and support needs assessment",
    "Carer's assessment",
    "Risk assessment",
    "Child and family assessment",
]
ALERTS = [
    "Risk to lone workers: visit in pairs",
    "Dog in the house: ask for it to be shut away before visiting",
    "Do not discuss the address with the father",
    "Allergy: peanuts",
    "Uses a wheelchair: the back door has the ramp",
]
RELATIONSHIPS = {
    "child": ["mother", "father", "grandmother", "foster carer", "stepfather", "aunt"],
    "adult": ["daughter", "son", "husband", "wife", "neighbour", "friend"],
}
LANGUAGES = ["Polish", "Urdu", "Romanian", "Arabic", "Punjabi", "British Sign Language"]
SENTENCES = [
    "Seen at home; the home was warm and tidy.",
    "Discussed the plan agreed at the last review.",
    "No new concerns were raised during the visit.",
    "Agreed to follow up with the school next week.",
    "The family asked for help with a benefits claim.",
    "Next visit booked; contact details confirmed.",
    "Shared the outcome with the supervising manager.",
    "Attendance has improved since the last review.",
]


def _aware(day: dt.date, rng: random.Random) -> dt.datetime:
    moment = dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59)))
    return timezone.make_aware(moment)


def load_caseloads(*, rng: random.Random, today: dt.date, console: Console) -> None:
    """Cases, entries, allocations, grants and break-glass for the demo council."""
    # One transaction seals ~10 values per case: keep each record's key at hand meanwhile.
    with key_session():
        _load_caseloads(rng=rng, today=today, console=console)


def _load_caseloads(*, rng: random.Random, today: dt.date, console: Console) -> None:
    fake = Faker("en_GB")
    fake.seed_instance(rng.randint(0, 2**31))
    active = list(
        StaffMember.objects.active_on(today)
        .select_related("team__directorate")
        .prefetch_related("roles")
        .order_by("staff_id")
    )
    roles = {s.pk: {r.role for r in s.roles.all()} for s in active}
    practitioners = [
        s
        for s in active
        if "practitioner" in roles[s.pk] and s.employment_type != EmploymentType.VOLUNTEER
    ]
    volunteers = [s for s in active if s.employment_type == EmploymentType.VOLUNTEER]
    managers: dict[int, list[StaffMember]] = defaultdict(list)
    team_staff: dict[int, list[StaffMember]] = defaultdict(list)
    for s in active:
        if "team_manager" in roles[s.pk]:
            managers[s.team_id].append(s)
        if s in practitioners:
            team_staff[s.team_id].append(s)
    leavers = list(StaffMember.objects.filter(end_date__lt=today).order_by("staff_id"))

    subjects: list[Subject] = []
    details: list[tuple[str, str, dt.date]] = []  # (given, family, born) of subjects[i]
    cases: list[Case] = []
    owner_of: list[StaffMember] = []  # the allocated worker of cases[i]
    number = 0

    def new_case(worker: StaffMember, *, kind: str, restricted: bool = False) -> None:
        nonlocal number
        number += 1
        adult = worker.team.directorate.name == ADULTS_DIRECTORATE or kind == "staff"
        age_years = rng.randint(19, 90) if adult else rng.randint(0, 17)
        born = today - dt.timedelta(days=age_years * 365 + rng.randint(0, 364))
        opened = today - dt.timedelta(days=rng.randint(10, 900))
        subjects.append(Subject(subject_id=f"P{number:06d}", kind=kind, restricted=restricted))
        details.append((fake.first_name(), fake.last_name(), born if born < opened else opened))
        cases.append(
            Case(
                case_id=f"C{number:06d}",
                owning_team_id=worker.team_id,
                classification=Classification.OFFICIAL_SENSITIVE
                if rng.random() < 0.3
                else Classification.OFFICIAL,
                opened_on=opened,
                closed_on=None,
            )
        )
        owner_of.append(worker)

    for worker in practitioners:
        kind = "adult" if worker.team.directorate.name == ADULTS_DIRECTORATE else "child"
        for _ in range(rng.randint(15, 30)):
            new_case(worker, kind=kind, restricted=rng.random() < 0.02)

    # Records about members of staff (e.g. an allegation): owned by another team.
    staff_subjects = rng.sample([s for s in active if s not in volunteers], k=8)
    for person in staff_subjects:
        others = [p for p in practitioners if p.team_id != person.team_id]
        worker = rng.choice(others)
        new_case(worker, kind="staff", restricted=True)
        subjects[-1].staff = person
        details[-1] = (person.given_name, person.family_name, details[-1][2])

    Subject.objects.bulk_create(subjects, batch_size=2000)
    data_keys_create(sealing.subject_key(s.pk) for s in subjects)
    for subject, (given, family, born) in zip(subjects, details, strict=True):
        sealing.seal_subject(subject, given_name=given, family_name=family, date_of_birth=born)
    _write_sealed_subjects(subjects)
    _person_details(rng=rng, fake=fake, today=today, subjects=subjects)
    for case, subject in zip(cases, subjects, strict=True):
        case.subject = subject
    Case.objects.bulk_create(cases, batch_size=2000)
    data_keys_create(sealing.case_key(c.pk) for c in cases)

    allocations: list[Allocation] = []
    for case, worker in zip(cases, owner_of, strict=True):
        allocations.append(
            Allocation(case=case, staff=worker, role="allocated_worker", starts_on=case.opened_on)
        )
        colleagues = [p for p in team_staff[case.owning_team_id] if p.pk != worker.pk]
        if colleagues and rng.random() < 0.12:
            allocations.append(
                Allocation(
                    case=case,
                    staff=rng.choice(colleagues),
                    role="co_worker",
                    starts_on=case.opened_on,
                )
            )
        if managers[case.owning_team_id] and rng.random() < 0.05:
            allocations.append(
                Allocation(
                    case=case,
                    staff=managers[case.owning_team_id][0],
                    role="supervising_manager",
                    starts_on=case.opened_on,
                )
            )
    # Leavers' old allocations ended when they left: a leaver sees nothing.
    for leaver in leavers:
        same_team = [c for c in cases if c.owning_team_id == leaver.team_id][:3]
        for case in same_team:
            if leaver.end_date is not None and leaver.end_date >= case.opened_on:
                allocations.append(
                    Allocation(
                        case=case,
                        staff=leaver,
                        role="allocated_worker",
                        starts_on=case.opened_on,
                        ends_on=leaver.end_date,
                    )
                )
    # Volunteers: two or three OFFICIAL cases of their own team each.
    by_team: dict[int, list[Case]] = defaultdict(list)
    for case in cases:
        if case.classification == Classification.OFFICIAL and not case.subject.restricted:
            by_team[case.owning_team_id].append(case)
    for volunteer in volunteers:
        pool = by_team.get(volunteer.team_id, [])
        for case in rng.sample(pool, k=min(len(pool), rng.randint(2, 3))):
            allocations.append(
                Allocation(case=case, staff=volunteer, role="co_worker", starts_on=today)
            )
    Allocation.objects.bulk_create(allocations, batch_size=5000)

    # Conflicts: a colleague in the owning team who is related to the person.
    conflicts = []
    for index in rng.sample(range(len(cases)), k=min(25, len(cases))):
        case = cases[index]
        candidates = [p for p in team_staff[case.owning_team_id] if p.pk != owner_of[index].pk]
        if candidates:
            conflicts.append(
                SubjectConflict(
                    subject=case.subject, staff=rng.choice(candidates), reason="Family member"
                )
            )
    SubjectConflict.objects.bulk_create(conflicts, ignore_conflicts=True)

    entry_count = _entries(rng=rng, today=today, cases=cases, owner_of=owner_of)
    _requests(rng=rng, today=today, cases=cases, owner_of=owner_of, practitioners=practitioners)
    day = _the_demo_teams_day(today=today)
    console.print(
        f"Caseloads: {len(cases)} cases for {len(practitioners)} practitioners, "
        f"{len(allocations)} allocations, {entry_count} entries, "
        f"{sum(s.restricted for s in subjects)} restricted subjects, {len(conflicts)} conflicts; "
        f"{day}."
    )


def demo_nhs_number(rng: random.Random) -> str:
    """Ten digits that pass the modulus 11 check (so they can be searched for)."""
    while True:
        first_nine = "".join(str(rng.randint(0, 9)) for _ in range(9))
        check = nhs_number.check_digit(first_nine)
        if check is not None:
            return first_nine + str(check)


def _person_details(
    *, rng: random.Random, fake: Faker, today: dt.date, subjects: list[Subject]
) -> None:
    """An address, contacts, NHS number, legal status, key dates and, for some, alerts and
    an interpreter, for every child and adult (staff subjects' details stay with HR)."""
    now = timezone.make_aware(dt.datetime.combine(today, dt.time(8, 0)))
    rows = []
    for subject in subjects:
        if subject.kind == Subject.Kind.STAFF:
            continue
        family = fake.last_name()
        contacts = [
            Contact(
                f"{fake.first_name()} {family}",
                rng.choice(RELATIONSHIPS[subject.kind]),
                fake.phone_number(),
                lives_with=rng.random() < 0.6,
            )
            for _ in range(rng.randint(1, 3))
        ]
        if rng.random() < 0.1:
            contacts.append(
                Contact(
                    f"{fake.first_name()} {fake.last_name()}", "ex-partner", do_not_contact=True
                )
            )
        statuses = list(person_details.statuses_for(subject.kind))
        language = rng.choice(LANGUAGES) if rng.random() < 0.12 else "English"
        details = PersonDetails(
            address=fake.address(),
            contacts=tuple(contacts),
            nhs_number=demo_nhs_number(rng),
            legal_statuses=tuple(rng.sample(statuses, k=rng.randint(0, 1))),
            key_dates=(KeyDate("Next review", today + dt.timedelta(days=rng.randint(5, 120))),),
            first_language=language,
            interpreter_needed=language != "English",
            alerts=tuple(rng.sample(ALERTS, k=1)) if rng.random() < 0.15 else (),
        )
        row = SubjectDetails(subject=subject, updated_at=now)
        sealing.seal_details(row, details=details)
        rows.append(row)
    SubjectDetails.objects.bulk_create(rows, batch_size=2000)


def _write_sealed_subjects(subjects: list[Subject]) -> None:
    """One prepared UPDATE run for every subject (bulk_update's CASE expressions take ~20 s)."""
    sql = (
        "UPDATE records_subject SET given_name = %s, family_name = %s, "
        "date_of_birth_sealed = %s, name_index = %s, family_name_index = %s, "
        "date_of_birth_index = %s WHERE id = %s"
    )
    fields = sealing.SUBJECT_SEALED_FIELDS
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[getattr(s, f) for f in fields] + [s.pk] for s in subjects])


def _entries(
    *, rng: random.Random, today: dt.date, cases: list[Case], owner_of: list[StaffMember]
) -> int:
    entries: list[Entry] = []
    texts: list[tuple[str, str, int]] = []
    # Contact types, times and significant events from their own stream, so the rest of the
    # demo council stays as it was.
    contacts = random.Random(13)  # noqa: S311  # nosec B311 # made-up demo data, not secrets
    note_types = [t for t in Entry.EntryType.values if t != Entry.EntryType.ASSESSMENT]
    for case, worker in zip(cases, owner_of, strict=True):
        span = max((today - case.opened_on).days, 1)
        for _ in range(rng.randint(2, 6)):
            kind = "assessment" if rng.random() < 0.2 else "note"
            day = case.opened_on + dt.timedelta(days=rng.randint(0, span))
            recorded = _aware(min(day, today), rng)
            entries.append(
                Entry(
                    case=case,
                    kind=kind,
                    sensitive=rng.random() < 0.05,
                    author=worker,
                    created_at=recorded,
                    entry_type="assessment"
                    if kind == "assessment"
                    else contacts.choice(note_types),
                    contact_at=recorded - dt.timedelta(minutes=contacts.randint(0, 60 * 30)),
                    significant=contacts.random() < 0.25,
                )
            )
            title = rng.choice(ASSESSMENT_TITLES if kind == "assessment" else NOTE_TITLES)
            body = " ".join(rng.sample(SENTENCES, k=rng.randint(1, 3)))
            texts.append((title, body, 2 if rng.random() < 0.08 else 1))
    Entry.objects.bulk_create(entries, batch_size=5000)
    versions = []
    for entry, (title, body, count) in zip(entries, texts, strict=True):
        for number in range(1, count + 1):
            version = EntryVersion(
                entry=entry,
                number=number,
                edited_by_id=entry.author_id,
                edited_at=entry.created_at + dt.timedelta(hours=number - 1),
                entry_type=entry.entry_type,
                contact_at=entry.contact_at,
                significant=entry.significant,
            )
            sealing.seal_version(
                version,
                case_pk=entry.case_id,
                title=title,
                body=body if number == count else "Draft: " + body,
            )
            versions.append(version)
    EntryVersion.objects.bulk_create(versions, batch_size=5000)
    return len(entries)


def _requests(
    *,
    rng: random.Random,
    today: dt.date,
    cases: list[Case],
    owner_of: list[StaffMember],
    practitioners: list[StaffMember],
) -> None:
    """A few access requests for managers, grants in force, and break-glass for IG to review."""
    now = timezone.make_aware(dt.datetime.combine(today, dt.time(9, 0)))
    grants, glass = [], []
    for index in rng.sample(range(len(cases)), k=min(30, len(cases))):
        case, worker = cases[index], owner_of[index]
        colleagues = [p for p in practitioners if p.team_id == case.owning_team_id and p != worker]
        if not colleagues or case.subject.restricted:
            continue
        grantee = rng.choice(colleagues)
        status = rng.choice(["requested", "approved", "approved"])
        grants.append(
            AccessGrant(
                case=case,
                grantee=grantee,
                actions="view add_entry",
                reason="Covering the allocated worker's annual leave",
                status=status,
                starts_at=now - dt.timedelta(days=1),
                expires_at=now + dt.timedelta(days=rng.randint(3, 14)),
                requested_by=grantee,
                decided_at=now if status == "approved" else None,
            )
        )
    for index in rng.sample(range(len(cases)), k=min(6, len(cases))):
        case = cases[index]
        outsiders = [p for p in practitioners if p.team_id != case.owning_team_id]
        if not outsiders or case.subject.restricted:
            continue
        started = now - dt.timedelta(hours=rng.randint(1, 72))
        glass.append(
            BreakGlass(
                case=case,
                staff=rng.choice(outsiders),
                reason="Out-of-hours call from the police about a missing young person",
                started_at=started,
                expires_at=started + dt.timedelta(hours=4),
            )
        )
    AccessGrant.objects.bulk_create(grants)
    BreakGlass.objects.bulk_create(glass)


# --- the demo practitioner's and team manager's day --------------------------------------

VISIT_ALERTS = (
    "Risk to lone workers: visit in pairs",
    "Dog in the house: ask for it to be shut away before visiting",
)
# Today's visit's chronology: (days ago, time, type, title, who was seen, what happened).
VISIT_CHRONOLOGY = [
    (60, dt.time(10, 0), "strategy_discussion", "Strategy discussion after the school's referral",
     "", "Police, school and health agreed a section 47 enquiry."),
    (45, dt.time(16, 15), "home_visit", "Home visit after school",
     "Jordan (child), his mother", "Jordan showed me his room. Food in the cupboards."),
    (30, dt.time(11, 0), "assessment", "Child and family assessment",
     "Jordan, his mother", "Needs identified: school attendance, the mother's health."),
    (14, dt.time(9, 30), "phone_call", "Call with the school",
     "Head of year", "Attendance is up to 85% since the plan started."),
    (3, dt.time(14, 0), "supervision", "Case supervision",
     "", "Agreed to visit again this week, in pairs, and to review the plan next month."),
]  # fmt: skip
# Cases the demo closed: (reason, the manager's words, days ago), and one later reopened.
CLOSED = [
    ("moved_away", "The family moved to Leeds; the case was passed to Leeds City Council.", 20),
    ("needs_met", "The plan's goals were met and the family agreed to close.", 45),
]
REOPENED = ("no_further_action", "A new referral from the school about attendance", 90, 10)
WAITING_REASON = "The worker is on long-term leave; the case waits for someone new"
WAITING = 6


def _the_demo_teams_day(*, today: dt.date) -> str:
    """What the demo practitioner and team manager open on (docs/demo.md): today's visit
    with alerts and a chronology, a draft left half-written, closed cases with their reasons,
    and cases waiting in the manager's queue for a worker. Their newest cases, so retention's
    long-closed ones (the oldest ids) are never among them."""
    worker = StaffMember.objects.get(email=DEMO_ACCOUNTS["practitioner"])
    manager = StaffMember.objects.get(email=DEMO_ACCOUNTS["team manager"])
    now = timezone.make_aware(dt.datetime.combine(today, dt.time(8, 30)))
    held = list(
        Case.objects.filter(
            allocations__staff=worker,
            allocations__role="allocated_worker",
            subject__kind="child",
            subject__restricted=False,
        ).order_by("-case_id")
    )
    visit, drafted, *closing = held[: 2 + len(CLOSED) + 1]
    _todays_visit(visit, worker=worker, today=today)
    _a_draft_left(drafted, worker=worker, now=now)
    _closed_with_reasons(closing, manager=manager, today=today)
    waiting = _waiting_for_a_worker(team_id=worker.team_id, spare=worker, today=today)
    asked = _the_practitioners_requests(worker=worker, manager=manager, now=now)
    return (
        f"today's visit {visit.case_id}, a draft on {drafted.case_id}, "
        f"{len(closing)} cases closed or reopened, {waiting} waiting for a worker, "
        f"{asked} requests for access on My requests"
    )


def _the_practitioners_requests(
    *, worker: StaffMember, manager: StaffMember, now: dt.datetime
) -> int:
    """The practitioner's own requests for access to colleagues' cases, for My requests:
    one waiting for the manager, one approved, one refused with the manager's reason."""
    cases = list(
        Case.objects.filter(
            owning_team_id=worker.team_id, subject__restricted=False, closed_on__isnull=True
        )
        .exclude(allocations__staff=worker)
        .exclude(grants__grantee=worker)
        .order_by("-case_id")[:3]
    )
    decided = now - dt.timedelta(days=2)
    answers = [
        ("requested", None, ""),
        ("approved", decided, ""),
        ("refused", decided, "The allocated worker is back from leave on Monday"),
    ]
    AccessGrant.objects.bulk_create(
        AccessGrant(
            case=case,
            grantee=worker,
            actions="view add_entry",
            reason="Covering the allocated worker's annual leave",
            status=status,
            starts_at=decided if status == "approved" else now - dt.timedelta(days=3),
            expires_at=(decided if status == "approved" else now) + dt.timedelta(days=7),
            requested_by=worker,
            decided_by=manager if decided_at else None,
            decided_at=decided_at,
            refuse_reason=refuse_reason,
        )
        for case, (status, decided_at, refuse_reason) in zip(cases, answers, strict=False)
    )
    return len(cases)


def _todays_visit(case: Case, *, worker: StaffMember, today: dt.date) -> None:
    """Alerts at the top of the record, the visit booked for today, and a chronology of
    significant contacts of several types, each with its time."""
    row = SubjectDetails.objects.get(subject=case.subject)
    kept = sealing.open_details(row)
    sealing.seal_details(
        row,
        details=dataclasses.replace(
            kept,
            alerts=VISIT_ALERTS,
            key_dates=(*kept.key_dates, KeyDate("Home visit booked", today)),
        ),
    )
    row.save(update_fields=["sealed", "nhs_number_index"])
    for days, clock, entry_type, title, seen, body in VISIT_CHRONOLOGY:
        contact = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=days), clock))
        recorded = contact + dt.timedelta(hours=2)
        entry = Entry.objects.create(
            case=case,
            kind="assessment" if entry_type == "assessment" else "note",
            author=worker,
            created_at=recorded,
            entry_type=entry_type,
            contact_at=contact,
            significant=True,
        )
        version = EntryVersion(
            entry=entry,
            number=1,
            edited_by=worker,
            edited_at=recorded,
            entry_type=entry_type,
            contact_at=contact,
            significant=True,
        )
        sealing.seal_version(version, case_pk=case.pk, title=title, body=body, seen=seen)
        version.save()


def _a_draft_left(case: Case, *, worker: StaffMember, now: dt.datetime) -> None:
    """A note the practitioner began yesterday evening and did not finish: the add-entry page
    opens with it."""
    yesterday = timezone.localdate(now) - dt.timedelta(days=1)
    fields = {
        "entry_type": "home_visit",
        "contact_day": str(yesterday.day),
        "contact_month": str(yesterday.month),
        "contact_year": str(yesterday.year),
        "contact_time": "5:30pm",
        "seen": "Both children, their father",
        "title": "Evening home visit",
        "body": "The children were in bed by 7pm. Their father said that",
    }
    draft = EntryDraft(case=case, author=worker, saved_at=now - dt.timedelta(hours=14))
    sealing.seal_draft(draft, content=json.dumps(fields, sort_keys=True))
    draft.save()


def _closed_with_reasons(cases: list[Case], *, manager: StaffMember, today: dt.date) -> None:
    """Cases the manager closed, each with its reason and words, and one closed and later
    reopened (its history on the case page)."""
    *closed, reopened = cases

    def days_ago(case: Case, days: int) -> dt.date:  # never before it opened
        return max(case.opened_on, today - dt.timedelta(days=days))

    rows = []
    for case, (reason, words, days) in zip(closed, CLOSED, strict=True):
        case.closed_on = days_ago(case, days)
        rows.append(_closure(case, 1, "close", reason, words, case.closed_on, manager))
    reason, words, closed_days, reopened_days = REOPENED
    rows.append(
        _closure(reopened, 1, "close", reason, "", days_ago(reopened, closed_days), manager)
    )
    rows.append(
        _closure(reopened, 2, "reopen", "", words, days_ago(reopened, reopened_days), manager)
    )
    CaseClosure.objects.bulk_create(rows)
    Case.objects.bulk_update(closed, ["closed_on"])


def _closure(
    case: Case, number: int, kind: str, reason: str, words: str, on: dt.date, by: StaffMember
) -> CaseClosure:
    row = CaseClosure(
        case=case,
        number=number,
        kind=kind,
        reason=reason,
        on=on,
        by=by,
        at=timezone.make_aware(dt.datetime.combine(on, dt.time(16, 0))),
    )
    sealing.seal_closure(row, details=words)
    return row


def _waiting_for_a_worker(*, team_id: int, spare: StaffMember, today: dt.date) -> int:
    """The manager's queue: a few open cases whose worker's allocation ended, one each from
    the team's busiest workers (so everyone still holds 15 or more)."""
    open_allocations = Allocation.objects.filter(
        case__owning_team_id=team_id,
        case__closed_on__isnull=True,
        role="allocated_worker",
        ends_on__isnull=True,
    ).exclude(staff=spare)
    load = Counter(open_allocations.values_list("staff_id", flat=True))
    busiest = [staff_id for staff_id, count in load.most_common(WAITING) if count > 15]
    ending = []
    for days, staff_id in enumerate(busiest, start=1):
        allocation = open_allocations.filter(staff_id=staff_id).order_by("case_id").first()
        if (
            allocation is not None
            and not allocation.case.allocations.exclude(pk=allocation.pk)
            .filter(role="allocated_worker", ends_on__isnull=True)
            .exists()
        ):
            allocation.ends_on = max(allocation.starts_on, today - dt.timedelta(days=days * 3))
            allocation.end_reason = WAITING_REASON
            ending.append(allocation)
    Allocation.objects.bulk_update(ending, ["ends_on", "end_reason"])
    return len(ending)
