"""Staff directory pages: who may reach them, what they show, and the add/change/end forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safekeep.audit.models import AuditEntry
from safekeep.organisation.models import StaffChange, StaffMember
from tests.factories import make_staff, make_team, make_user, sign_in, staff_form

pytestmark = pytest.mark.django_db

REFUSAL = "Your role does not allow this."


@pytest.fixture
def admin_client(client: Client) -> Client:
    admin = make_staff(roles=("sysadmin",), team=make_team("Digital Infrastructure", "Corporate"))
    return sign_in(client, make_user(admin))


def _form(**overrides: object) -> dict[str, object]:
    return staff_form(make_team("Early Help", "Family Services"), **overrides)


@pytest.mark.parametrize(
    ("roles", "url", "status"),
    [
        (("practitioner",), "organisation:staff-list", 403),
        (("practitioner",), "organisation:staff-add", 403),
        (("practitioner",), "organisation:team", 403),
        (("it_support",), "organisation:staff-list", 403),
        (("team_manager",), "organisation:staff-list", 403),
        (("team_manager",), "organisation:team", 200),
        (("centre_manager",), "organisation:team", 200),
        (("sysadmin",), "organisation:staff-list", 200),
        (("sysadmin",), "organisation:staff-add", 200),
        (("sysadmin",), "organisation:team", 403),
    ],
)
def test_who_may_reach_each_page(client: Client, roles: tuple[str, ...], url: str, status: int):
    sign_in(client, make_user(make_staff(roles=roles)))
    response = client.get(reverse(url))
    assert response.status_code == status
    if status == 403:
        assert REFUSAL in response.content.decode()


def test_signed_out_people_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(reverse("organisation:staff-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_a_practitioner_cannot_post_to_admin_pages(client: Client) -> None:
    target = make_staff()
    sign_in(client, make_user(make_staff()))
    response = client.post(
        reverse("organisation:staff-end", args=[target.staff_id]), {"end_date": "2026-01-01"}
    )
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.end_date is None


def test_a_manager_sees_their_team_with_roles_and_leavers(client: Client) -> None:
    team = make_team("Early Help")
    other = make_team("Family Support")
    today = timezone.localdate()
    manager = make_staff(team=team, roles=("team_manager",), given_name="Mona")
    make_staff(team=team, given_name="Paula", roles=("practitioner", "volunteer_manager"))
    make_staff(team=team, given_name="Leo", end_date=today - dt.timedelta(days=3))
    make_staff(team=other, given_name="Olga")
    sign_in(client, make_user(manager))
    page = client.get(reverse("organisation:team")).content.decode()
    assert "Early Help" in page
    assert "Paula" in page and "Practitioner, Volunteer manager" in page
    assert "Olga" not in page
    left_on = today - dt.timedelta(days=3)
    assert f"Left on {left_on.day} {left_on:%B %Y}" in page


def test_admin_search(admin_client: Client) -> None:
    make_staff(given_name="Zebedee", family_name="Quill", staff_id="S777")
    make_staff(given_name="Other", family_name="Person")
    page = admin_client.get(reverse("organisation:staff-list"), {"q": "zeb quill"})
    content = page.content.decode()
    assert "Zebedee" in content and "S777" in content
    assert "Other" not in content
    assert "1 result for" in content


def test_admin_adds_staff_and_their_case_role_waits_for_a_second_person(
    admin_client: Client,
) -> None:
    response = admin_client.post(reverse("organisation:staff-add"), _form(), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "What waits for a second person" in page and "gives the practitioner role" in page
    staff = StaffMember.objects.get(staff_id="S900")
    assert staff.role_names() == set()  # until someone else approves
    assert staff.directorate.name == "Family Services"
    entry = AuditEntry.objects.get(action="staff.create", object_id="S900")
    assert entry.reasons == ["waiting for a second person: gives the practitioner role"]
    change = StaffChange.objects.get()
    assert (change.staff, change.roles, change.status) == (staff, "practitioner", "waiting")


def test_add_form_shows_the_govuk_error_summary(admin_client: Client) -> None:
    make_staff(staff_id="S900")
    data = _form(given_name="", email="nope", start_date="08/01/2024", roles=[])
    response = admin_client.post(reverse("organisation:staff-add"), data)
    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert "govuk-form-group--error" in content
    for message in [
        "Enter a first name",
        "Enter an email address in the correct format, like name@example.com",
        "Select at least one role",
        "The start date must be a real date",
    ]:
        assert message in content
    assert StaffMember.objects.count() == 2  # the admin and S900 only


def test_service_errors_reach_the_form(admin_client: Client) -> None:
    make_staff(staff_id="S900", email="taken@council.example")
    response = admin_client.post(
        reverse("organisation:staff-add"), _form(email="TAKEN@council.example")
    )
    content = response.content.decode()
    assert "A member of staff already has this staff ID" in content
    assert "Another member of staff already has this email address" in content


def test_admin_changes_staff_rights_taken_away_at_once_given_after_approval(
    admin_client: Client,
) -> None:
    staff = make_staff(staff_id="S900", roles=("practitioner", "volunteer_manager"))
    data = _form(roles=["practitioner", "team_manager"], work_pattern="office")
    response = admin_client.post(reverse("organisation:staff-change", args=["S900"]), data)
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.role_names() == {"practitioner"}  # volunteer manager gone now
    assert staff.work_pattern == "office"
    assert AuditEntry.objects.filter(action="staff.update", object_id="S900").count() == 1
    assert StaffChange.objects.get().roles == "team_manager"


def test_change_refuses_end_before_start(admin_client: Client) -> None:
    make_staff(staff_id="S900")
    data = _form(end_date="2023-01-01")
    response = admin_client.post(reverse("organisation:staff-change", args=["S900"]), data)
    assert "The last working day must be the same as or after the start date" in (
        response.content.decode()
    )


def test_ending_today_ends_their_sessions_and_keeps_the_entry(admin_client: Client) -> None:
    staff = make_staff(staff_id="S900")
    user = make_user(staff)
    today = timezone.localdate()
    response = admin_client.post(
        reverse("organisation:staff-end", args=["S900"]), {"end_date": today.isoformat()}
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    user.refresh_from_db()
    assert staff.end_date == today
    assert user.session_generation == 1
    entry = AuditEntry.objects.get(action="staff.end")
    assert entry.reasons == [f"last working day {today.isoformat()}"]


def test_ending_in_the_future_leaves_sessions_alone(admin_client: Client) -> None:
    staff = make_staff(staff_id="S900")
    user = make_user(staff)
    later = timezone.localdate() + dt.timedelta(days=10)
    admin_client.post(
        reverse("organisation:staff-end", args=["S900"]), {"end_date": later.isoformat()}
    )
    user.refresh_from_db()
    assert user.session_generation == 0


def test_end_form_errors(admin_client: Client) -> None:
    make_staff(staff_id="S900", start_date=dt.date(2020, 1, 1))
    url = reverse("organisation:staff-end", args=["S900"])
    content = admin_client.post(url, {"end_date": ""}).content.decode()
    assert "There is a problem" in content and "Enter their last working day" in content
    content = admin_client.post(url, {"end_date": "2019-12-31"}).content.decode()
    assert (
        "The last working day must be the same as or after the start date (2020-01-01)" in content
    )


def test_unknown_staff_is_not_found(admin_client: Client) -> None:
    assert admin_client.get(reverse("organisation:staff-change", args=["NOPE"])).status_code == 404
