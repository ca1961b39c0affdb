"""The demo council's people and places: Northmoor Council (fictional).

Its figures reproduce the FOI response in shared/seeds/000_0c0a6f304e5cf73e.txt: on any day,
591 employees who work with children or vulnerable people are active, 373 in Family
Services and 218 in Adults and Health, all remote or flexible workers. Around them are the
people the FOI count leaves out, so the report has something to filter: agency workers,
contractors, volunteers, office staff who do not work with vulnerable people, corporate
IT and governance staff, leavers and new starters.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

from faker import Faker
from rich.console import Console

from safekeep.accounts.models import User
from safekeep.accounts.services import account_create
from safekeep.organisation.models import (
    Classification,
    Directorate,
    EmploymentType,
    RiskAssessment,
    Role,
    Site,
    StaffMember,
    StaffRole,
    Team,
    WorkPattern,
)

FAMILY = "Family Services"
ADULTS = "Adults and Health"
CORPORATE = "Corporate Services"
DOMAIN = "northmoor.example"
# Demo only: the demo council is for trying Safekeep out and must never hold real data.
DEMO_PASSWORD = "northmoor-demo"  # noqa: S105  # nosec B105 # the demo's published password

# Team → employees counted by the FOI (each team's manager included).
FAMILY_TEAMS: dict[str, int] = {
    "Children's Social Care North": 46,
    "Children's Social Care South": 44,
    "Children's Social Care West": 40,
    "Children in Care": 38,
    "Child Protection and Court": 30,
    "Fostering and Adoption": 28,
    "Early Help": 42,
    "Family Support": 35,
    "Children Centre - Riverside": 24,
    "Children Centre - Oakfield": 22,
    "Children Centre - Millbrook": 24,
}
ADULT_TEAMS: dict[str, int] = {
    "Adult Social Care East": 44,
    "Adult Social Care West": 42,
    "Learning Disabilities": 34,
    "Mental Health Social Work": 32,
    "Hospital Discharge": 26,
    "Reablement": 24,
    "Safeguarding Adults": 16,
}
CHILDREN_CENTRES = {
    "Children Centre - Riverside": "Riverside Children Centre",
    "Children Centre - Oakfield": "Oakfield Children Centre",
    "Children Centre - Millbrook": "Millbrook Children Centre",
}
OFFICES = ["Northmoor Civic Centre", "Eastgate House"]


@dataclass(frozen=True, slots=True)
class DemoSignIn:
    role: str
    email: str
    password: str


# One sign-in per role; the records demo allocates cases to the demo practitioner.
DEMO_ACCOUNTS: dict[str, str] = {
    "practitioner": f"demo.practitioner@{DOMAIN}",
    "team manager": f"demo.manager@{DOMAIN}",
    "volunteer": f"demo.volunteer@{DOMAIN}",
    "IT support": f"demo.it@{DOMAIN}",
    "IG officer": f"demo.ig@{DOMAIN}",
    "FOI officer": f"demo.foi@{DOMAIN}",
    "system administrator": f"demo.admin@{DOMAIN}",
}


def demo_sign_ins() -> list[DemoSignIn]:
    """The demo accounts that exist in this database, in role order."""
    present = set(User.objects.filter(is_demo_account=True).values_list("username", flat=True))
    return [
        DemoSignIn(role, email, DEMO_PASSWORD)
        for role, email in DEMO_ACCOUNTS.items()
        if email in present
    ]


@dataclass(slots=True)
class _Person:
    team: str
    roles: tuple[str, ...]
    employment_type: str = EmploymentType.EMPLOYEE
    works_with_vulnerable_people: bool = True
    work_pattern: str = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    email: str = ""


def _people(rng: random.Random, today: dt.date) -> Iterator[_Person]:
    """Everyone in the demo council, before names are given."""

    def remote_or_flexible() -> str:
        return WorkPattern.FLEXIBLE if rng.random() < 0.7 else WorkPattern.REMOTE

    # The 591: every counted employee works with vulnerable people, remotely or flexibly.
    for team, size in {**FAMILY_TEAMS, **ADULT_TEAMS}.items():
        manager_roles: tuple[str, ...] = (Role.TEAM_MANAGER,)
        if team in CHILDREN_CENTRES:
            manager_roles = (Role.CENTRE_MANAGER, Role.TEAM_MANAGER)
        email = DEMO_ACCOUNTS["team manager"] if team == "Children's Social Care North" else ""
        yield _Person(team, manager_roles, work_pattern=remote_or_flexible(), email=email)
        for index in range(size - 1):
            roles: tuple[str, ...] = (Role.PRACTITIONER,)
            email = ""
            if team == "Early Help" and index == 0:
                roles = (Role.PRACTITIONER, Role.VOLUNTEER_MANAGER)
            if team == "Children's Social Care North" and index == 0:
                email = DEMO_ACCOUNTS["practitioner"]
            if index == 1 and team in {"Children in Care", "Reablement"}:
                # Leaving soon: still active today, so still counted.
                yield _Person(
                    team,
                    roles,
                    work_pattern=remote_or_flexible(),
                    end_date=today + dt.timedelta(days=rng.randint(7, 40)),
                )
                continue
            yield _Person(team, roles, work_pattern=remote_or_flexible(), email=email)

    social_care = [
        "Children's Social Care North",
        "Children's Social Care South",
        "Children's Social Care West",
        "Adult Social Care East",
        "Adult Social Care West",
        "Mental Health Social Work",
    ]
    # Agency workers and contractors work with vulnerable people but are not employees.
    for _ in range(24):
        yield _Person(
            rng.choice(social_care),
            (Role.PRACTITIONER,),
            EmploymentType.AGENCY,
            work_pattern=remote_or_flexible(),
        )
    for team in ["Hospital Discharge", "Fostering and Adoption"]:
        yield _Person(
            team,
            (Role.PRACTITIONER,),
            EmploymentType.CONTRACTOR,
            work_pattern=WorkPattern.FLEXIBLE,
        )
    # Volunteers in the children centres and Early Help.
    volunteer_teams = [*CHILDREN_CENTRES, "Early Help"]
    for index in range(18):
        yield _Person(
            volunteer_teams[index % len(volunteer_teams)],
            (Role.PRACTITIONER,),
            EmploymentType.VOLUNTEER,
            work_pattern=WorkPattern.FLEXIBLE,
            email=DEMO_ACCOUNTS["volunteer"] if index == 0 else "",
        )
    # Office staff who do not work with vulnerable people: not counted.
    for team, size in [
        ("Family Services Business Support", 10),
        ("Adults and Health Business Support", 7),
    ]:
        for _ in range(size):
            yield _Person(
                team,
                (Role.PRACTITIONER,),
                works_with_vulnerable_people=False,
                work_pattern=WorkPattern.OFFICE,
            )
    # Corporate services: IT, information governance, system administration.
    corporate: list[tuple[str, tuple[str, ...], str, str]] = [
        ("IT Service Desk", (Role.IT_SUPPORT, Role.TEAM_MANAGER), EmploymentType.EMPLOYEE, ""),
        (
            "IT Service Desk",
            (Role.IT_SUPPORT,),
            EmploymentType.EMPLOYEE,
            DEMO_ACCOUNTS["IT support"],
        ),
        ("IT Service Desk", (Role.IT_SUPPORT,), EmploymentType.EMPLOYEE, ""),
        ("IT Service Desk", (Role.IT_SUPPORT,), EmploymentType.CONTRACTOR, ""),
        ("IT Service Desk", (Role.IT_SUPPORT,), EmploymentType.CONTRACTOR, ""),
        (
            "Information Governance",
            (Role.IG_OFFICER,),
            EmploymentType.EMPLOYEE,
            DEMO_ACCOUNTS["IG officer"],
        ),
        ("Information Governance", (Role.IG_OFFICER,), EmploymentType.EMPLOYEE, ""),
        (
            "Information Governance",
            (Role.FOI_OFFICER,),
            EmploymentType.EMPLOYEE,
            DEMO_ACCOUNTS["FOI officer"],
        ),
        (
            "Digital Infrastructure",
            (Role.SYSADMIN,),
            EmploymentType.EMPLOYEE,
            DEMO_ACCOUNTS["system administrator"],
        ),
        ("Digital Infrastructure", (Role.SYSADMIN,), EmploymentType.EMPLOYEE, ""),
    ]
    for team, roles, employment, email in corporate:
        yield _Person(
            team,
            roles,
            employment,
            works_with_vulnerable_people=False,
            work_pattern=rng.choice([WorkPattern.OFFICE, WorkPattern.FLEXIBLE]),
            email=email,
        )
    # Leavers (no access at all) and new starters (not yet started): neither is counted.
    for team, employment in [
        ("Children's Social Care South", EmploymentType.EMPLOYEE),
        ("Early Help", EmploymentType.EMPLOYEE),
        ("Children Centre - Oakfield", EmploymentType.EMPLOYEE),
        ("Adult Social Care East", EmploymentType.EMPLOYEE),
        ("Learning Disabilities", EmploymentType.EMPLOYEE),
        ("Hospital Discharge", EmploymentType.EMPLOYEE),
        ("Children's Social Care West", EmploymentType.AGENCY),
        ("Children Centre - Riverside", EmploymentType.VOLUNTEER),
    ]:
        yield _Person(
            team,
            (Role.PRACTITIONER,),
            employment,
            work_pattern=remote_or_flexible(),
            end_date=today - dt.timedelta(days=rng.randint(3, 300)),
        )
    for team in ["Family Support", "Safeguarding Adults"]:
        yield _Person(
            team,
            (Role.PRACTITIONER,),
            work_pattern=remote_or_flexible(),
            start_date=today + dt.timedelta(days=rng.randint(3, 30)),
        )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def load_organisation(*, rng: random.Random, today: dt.date, console: Console) -> None:
    """Directorates, teams, sites, staff, roles, volunteers' risk assessments, demo sign-ins."""
    fake = Faker("en_GB")
    fake.seed_instance(rng.randrange(2**32))

    directorates = {
        name: Directorate.objects.create(name=name) for name in (FAMILY, ADULTS, CORPORATE)
    }
    homes = {
        **dict.fromkeys(FAMILY_TEAMS, FAMILY),
        "Family Services Business Support": FAMILY,
        **dict.fromkeys(ADULT_TEAMS, ADULTS),
        "Adults and Health Business Support": ADULTS,
        "IT Service Desk": CORPORATE,
        "Information Governance": CORPORATE,
        "Digital Infrastructure": CORPORATE,
    }
    teams = {
        team.name: team
        for team in Team.objects.bulk_create(
            [Team(name=name, directorate=directorates[home]) for name, home in homes.items()]
        )
    }
    Site.objects.bulk_create(
        [
            Site(
                name=name,
                kind=Site.Kind.CHILDREN_CENTRE,
                address=fake.address().replace("\n", ", "),
            )
            for name in CHILDREN_CENTRES.values()
        ]
        + [
            Site(name=name, kind=Site.Kind.OFFICE, address=fake.address().replace("\n", ", "))
            for name in OFFICES
        ]
    )

    people = list(_people(rng, today))
    staff: list[StaffMember] = []
    used_emails: set[str] = set()
    for number, person in enumerate(people, start=1):
        given, family = fake.first_name(), fake.last_name()
        email = person.email or f"{_slug(given)}.{_slug(family)}@{DOMAIN}"
        if email in used_emails:
            email = f"{_slug(given)}.{_slug(family)}{number}@{DOMAIN}"
        used_emails.add(email)
        start = person.start_date or today - dt.timedelta(days=rng.randint(60, 6000))
        if person.end_date is not None and person.end_date < start:
            start = person.end_date - dt.timedelta(days=rng.randint(200, 2000))
        team = teams[person.team]
        staff.append(
            StaffMember(
                staff_id=f"NM{number:05d}",
                given_name=given,
                family_name=family,
                email=email,
                directorate=team.directorate,
                team=team,
                employment_type=person.employment_type,
                works_with_vulnerable_people=person.works_with_vulnerable_people,
                work_pattern=person.work_pattern,
                start_date=start,
                end_date=person.end_date,
            )
        )
    staff = StaffMember.objects.bulk_create(staff, batch_size=500)
    StaffRole.objects.bulk_create(
        [
            StaffRole(staff=member, role=role)
            for member, person in zip(staff, people, strict=True)
            for role in person.roles
        ],
        batch_size=1000,
    )

    # Volunteers' risk assessments: most approved for their own team, a few not.
    assessments = []
    volunteers = [
        (member, person)
        for member, person in zip(staff, people, strict=True)
        if person.employment_type == EmploymentType.VOLUNTEER and person.end_date is None
    ]
    for index, (member, _) in enumerate(volunteers):
        assessed = today - dt.timedelta(days=rng.randint(20, 300))
        outcome = RiskAssessment.Outcome.APPROVED
        review_due = assessed + dt.timedelta(days=365)
        if index in (5, 11):
            outcome = RiskAssessment.Outcome.REFUSED
        if index == 8:  # overdue for review: no access until it is reviewed
            assessed = today - dt.timedelta(days=420)
            review_due = assessed + dt.timedelta(days=365)
        assessments.append(
            RiskAssessment(
                staff=member,
                outcome=outcome,
                scope_team=member.team,
                max_classification=Classification.OFFICIAL,
                assessed_on=assessed,
                review_due=review_due,
            )
        )
    RiskAssessment.objects.bulk_create(assessments)

    by_email = {member.email: member for member in staff}
    for email in DEMO_ACCOUNTS.values():
        account_create(
            staff=by_email[email],
            password=DEMO_PASSWORD,
            totp_key_hex=secrets.token_hex(20),
            is_demo_account=True,
        )
    console.print(
        f"Organisation: {len(staff)} staff in {len(teams)} teams, "
        f"{len(CHILDREN_CENTRES) + len(OFFICES)} sites, {len(assessments)} risk assessments."
    )
