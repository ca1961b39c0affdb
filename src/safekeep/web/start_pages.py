"""What each role's start page offers, in plain words. Pure data plus a small selector."""

from __future__ import annotations

from dataclasses import dataclass

from safekeep.web.context_processors import safe_reverse


@dataclass(frozen=True, slots=True)
class StartLink:
    label: str
    url: str
    description: str


@dataclass(frozen=True, slots=True)
class StartSection:
    role: str
    heading: str
    summary: str
    links: tuple[StartLink, ...]


# role -> (heading, what Safekeep does for them, [(label, URL name, description)])
ROLE_PAGES: dict[str, tuple[str, str, list[tuple[str, str, str]]]] = {
    "practitioner": (
        "Your casework",
        "See and write the records of the people on your caseload, in the office or on a visit.",
        [
            ("My caseload", "records:caseload", "The cases allocated to you."),
            ("This device", "devices:this-device", "What you can do on the device you are using."),
        ],
    ),
    "team_manager": (
        "Managing your team",
        "Oversee your team's cases, allocate work and approve time-limited access.",
        [
            ("My team", "organisation:team", "The people in your team and their caseloads."),
            ("My caseload", "records:caseload", "Cases you are allocated or supervise."),
            ("Access requests", "records:grant-requests", "Requests for time-limited access."),
            (
                "Access reviews",
                "reviews:list",
                "Each quarter, confirm or change each team member's roles, grants and access.",
            ),
            (
                "Report a personal phone number shared",
                "governance:number-shared",
                "Someone in your team gave a client their personal number.",
            ),
        ],
    ),
    "centre_manager": (
        "Managing your centre",
        "Oversee your team's cases, door codes and the end-of-day checks at your centre.",
        [
            ("My team", "organisation:team", "The people in your team and their caseloads."),
            ("My caseload", "records:caseload", "Cases you are allocated or supervise."),
            (
                "Volunteers' risk assessments",
                "reviews:assessments",
                "Record volunteers' assessments; those due for review or lapsed are flagged.",
            ),
        ],
    ),
    "volunteer_manager": (
        "Managing volunteers",
        "Keep volunteers' risk assessments up to date: a volunteer sees records only when an "
        "approved assessment covers them.",
        [
            ("My team", "organisation:team", "The volunteers you manage."),
            (
                "Volunteers' risk assessments",
                "reviews:assessments",
                "Record volunteers' assessments; those due for review or lapsed are flagged.",
            ),
        ],
    ),
    "volunteer": (
        "Your volunteering",
        "You can see a record only when it is allocated to you and your risk assessment "
        "approves it.",
        [("My caseload", "records:caseload", "The cases allocated to you.")],
    ),
    "it_support": (
        "IT support",
        "Keep the device register and handle device complaints. You cannot see case records.",
        [
            ("Devices", "devices:register", "Every council device and whether it is compliant."),
            ("Device complaints", "devices:complaints", "Reports of devices that stop work."),
        ],
    ),
    "ig_officer": (
        "Information governance",
        "Check who looked at what and why, review emergency access and manage incidents.",
        [
            ("Audit", "audit:dashboard", "Every access decision and change, and the chain check."),
            (
                "Incidents",
                "governance:incidents",
                "Breaches, lost devices and other incidents.",
            ),
            (
                "Staff changes",
                "organisation:staff-changes",
                "Changes to people's access that wait for a second person.",
            ),
            ("FOI report", "governance:foi-report", "The FOI questionnaire from live data."),
            (
                "Access reviews",
                "reviews:list",
                "Restricted people's 90-day reviews, and every team's overdue access reviews.",
            ),
        ],
    ),
    "foi_officer": (
        "Freedom of Information",
        "Answer Freedom of Information questions from live data. You cannot see case records.",
        [
            (
                "FOI requests",
                "governance:foi-requests",
                "The register: each request's 20-working-day clock, answers, response letter, "
                "internal reviews, the disclosure log and the performance figures.",
            ),
            (
                "FOI report",
                "governance:foi-report",
                "The staff and devices questionnaire answered from live data, for any day, "
                "with the response letter to download.",
            ),
        ],
    ),
    "sysadmin": (
        "System administration",
        "Manage staff and accounts. You cannot see case records.",
        [
            ("Staff", "organisation:staff-list", "Add, change and end staff."),
            (
                "Sign-ins",
                "accounts:people",
                "Create a new member of staff's sign-in, reset a password or an "
                "authenticator app, and unlock a slowed sign-in.",
            ),
            (
                "Staff changes",
                "organisation:staff-changes",
                "Changes to other people's access that wait for a second person.",
            ),
        ],
    ),
}

ROLE_ORDER = list(ROLE_PAGES)


def start_sections(roles: set[str]) -> list[StartSection]:
    """One section per role the person holds, keeping only links that exist."""
    sections = []
    for role in ROLE_ORDER:
        if role not in roles:
            continue
        heading, summary, entries = ROLE_PAGES[role]
        links = []
        for label, name, description in entries:
            url = safe_reverse(name)
            if url is not None:
                links.append(StartLink(label=label, url=url, description=description))
        sections.append(StartSection(role, heading, summary, tuple(links)))
    return sections
