"""The layout: header with the person's name and sign out, skip link, navigation by role,
and a start page for each role."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils.html import escape

from safekeep.web.context_processors import nav_entries, safe_reverse
from safekeep.web.start_pages import ROLE_PAGES, start_sections
from tests.factories import make_staff, make_user, sign_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ({"practitioner"}, ["My caseload", "My requests", "This device", "Account"]),
        (
            {"team_manager"},
            [
                "My caseload",
                "My requests",
                "My team",
                "Workload",
                "Access requests",
                "Access reviews",
                "This device",
                "Account",
            ],
        ),
        ({"volunteer"}, ["My caseload", "My requests", "This device", "Account"]),
        (
            {"volunteer_manager"},
            ["My team", "Volunteers' assessments", "This device", "Account"],
        ),
        ({"sysadmin"}, ["Staff", "Sign-ins", "Staff changes", "Leavers", "This device", "Account"]),
        (
            {"ig_officer"},
            [
                "Access reviews",
                "Staff changes",
                "Leavers",
                "Audit",
                "Break-glass reviews",
                "Incidents",
                "Task policy",
                "Retention",
                "Subject access",
                "FOI requests",
                "FOI report",
                "This device",
                "Account",
            ],
        ),
        (
            {"it_support"},
            ["Leavers", "Devices", "Device complaints", "This device", "Account"],
        ),
        ({"foi_officer"}, ["FOI requests", "FOI report", "This device", "Account"]),
        (set(), []),
    ],
)
def test_navigation_by_role(roles: set[str], expected: list[str]) -> None:
    assert [label for label, _ in nav_entries(roles)] == expected


def test_names_that_do_not_exist_are_skipped() -> None:
    assert safe_reverse("nowhere:nothing") is None
    assert safe_reverse("accounts:account") == "/account/"


def test_header_shows_the_person_skip_link_and_sign_out(client: Client) -> None:
    staff = make_staff(given_name="Asha", family_name="Patel", roles=("sysadmin",))
    sign_in(client, make_user(staff))
    html = client.get("/").content.decode()
    assert '<a href="#main-content" class="govuk-skip-link"' in html
    assert '<span class="app-header__name">Asha Patel</span>' in html
    assert 'action="/account/sign-out/"' in html
    assert '<main class="govuk-main-wrapper" id="main-content">' in html
    # Every navigation item that exists is a link; Account always exists.
    assert 'href="/account/">Account</a>' in html
    assert '<h2 class="govuk-heading-m" id="role-sysadmin">System administration</h2>' in html


def test_signed_out_pages_have_no_navigation_or_name(client: Client) -> None:
    html = client.get("/account/sign-in/").content.decode()
    assert "govuk-service-navigation" not in html
    assert "app-header__name" not in html
    assert "Sign out" not in html


def test_start_page_needs_sign_in(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/account/sign-in/?next=/"


@pytest.mark.parametrize("role", sorted(ROLE_PAGES))
def test_every_role_has_a_start_section(client: Client, role: str) -> None:
    if role == "volunteer":
        staff = make_staff(roles=(), employment_type="volunteer")
    else:
        staff = make_staff(roles=(role,))
    sign_in(client, make_user(staff))
    html = client.get("/").content.decode()
    heading, summary, _ = ROLE_PAGES[role]
    assert f'id="role-{role}">{heading}</h2>' in html
    assert escape(summary) in html


def test_start_sections_keep_only_existing_links() -> None:
    (section,) = start_sections({"sysadmin"})
    assert all(link.url.startswith("/") for link in section.links)
    assert [link.label for link in section.links] == (
        ["Staff", "Sign-ins", "Staff changes"] if safe_reverse("organisation:staff-list") else []
    )


def test_person_without_roles_is_told_what_to_do(client: Client) -> None:
    sign_in(client, make_user(make_staff(roles=())))
    assert "Your account has no role in Safekeep yet." in client.get("/").content.decode()


def test_account_not_linked_to_staff_is_refused(client: Client) -> None:
    from safekeep.accounts.models import User

    user = User.objects.create_user(username="orphan@council.example", password="x" * 12)
    sign_in(client, user)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")
