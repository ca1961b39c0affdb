"""`safekeep import staff`: every bad-input class, all-or-nothing, idempotent."""

from __future__ import annotations

import datetime as dt
import getpass
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import Origin
from safekeep.core.csv_import import ImportFailed, ImportOptions, run_import
from safekeep.organisation.models import Directorate, StaffChange, StaffMember, Team
from safekeep.organisation.services import staff_change_decide
from tests.factories import make_staff, make_team, make_user

pytestmark = pytest.mark.django_db

HEADER = (
    "staff_id,given_name,family_name,email,directorate,team,role,employment_type,"
    "works_with_vulnerable_people,work_pattern,start_date,end_date"
)
ANN = (
    "S001,Ann,Example,ann@council.example,Family Services,Early Help,practitioner,"
    "employee,yes,remote,2020-01-06,"
)
BOB = (
    "S002,Bob,Sample,bob@council.example,Family Services,Early Help,team_manager;practitioner,"
    "employee,yes,flexible,2019-04-01,"
)
ORIGIN = Origin.command("test")
TODAY = dt.date(2026, 11, 23)


def csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def do_import(data: bytes, *, create_missing: bool = False):
    options = ImportOptions(create_missing=create_missing, today=TODAY)
    return run_import("staff", data, origin=ORIGIN, options=options)


def problems(data: bytes, *, create_missing: bool = False) -> list[str]:
    with pytest.raises(ImportFailed) as caught:
        do_import(data, create_missing=create_missing)
    return caught.value.messages


@pytest.fixture
def early_help() -> Team:
    return make_team("Early Help", "Family Services")


def approve_waiting() -> None:
    """A second person (here IG) approves every change the import held back."""
    ig = make_staff(roles=("ig_officer",))
    for change in StaffChange.objects.filter(status="waiting"):
        staff_change_decide(origin=ORIGIN, change=change, approve=True, decided_by=ig)


def test_creates_staff_with_every_field_and_roles(early_help: Team) -> None:
    result = do_import(csv(ANN, BOB))
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    bob = StaffMember.objects.get(staff_id="S002")
    assert bob.role_names() == set()  # case roles wait for a second person (issue 10)
    assert StaffChange.objects.get(staff=bob).roles == "practitioner team_manager"
    approve_waiting()
    assert bob.full_name == "Bob Sample"
    assert bob.email == "bob@council.example"
    assert bob.team == early_help
    assert bob.directorate.name == "Family Services"
    assert bob.role_names() == {"team_manager", "practitioner"}
    assert bob.employment_type == "employee"
    assert bob.works_with_vulnerable_people is True
    assert bob.work_pattern == "flexible"
    assert bob.start_date == dt.date(2019, 4, 1)
    assert bob.end_date is None


def test_columns_in_any_order(early_help: Team) -> None:
    names = HEADER.split(",")
    values = ANN.split(",")
    order = list(reversed(range(len(names))))
    data = csv(",".join(values[i] for i in order), header=",".join(names[i] for i in order))
    assert do_import(data).created == 1
    assert StaffMember.objects.get().family_name == "Example"


def test_importing_the_same_file_twice_changes_nothing(early_help: Team) -> None:
    do_import(csv(ANN, BOB))
    stamps = dict(StaffMember.objects.values_list("staff_id", "updated_at"))
    result = do_import(csv(ANN, BOB))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert dict(StaffMember.objects.values_list("staff_id", "updated_at")) == stamps
    assert StaffChange.objects.count() == 2  # the held-back roles are asked for once
    assert list(AuditEntry.objects.values_list("action", "decision", "reasons")) == [
        ("import.staff", "done", ["rows 2", "created 2", "updated 0", "unchanged 0"]),
        ("import.staff", "done", ["rows 2", "created 0", "updated 0", "unchanged 2"]),
    ]


def test_roles_and_fields_are_replaced_to_match_the_file(early_help: Team) -> None:
    make_team("Family Support", "Family Services")
    do_import(csv(ANN, BOB))
    approve_waiting()
    changed_bob = BOB.replace("team_manager;practitioner", "practitioner").replace(
        "Early Help", "Family Support"
    )
    result = do_import(csv(ANN, changed_bob))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    bob = StaffMember.objects.get(staff_id="S002")
    assert bob.role_names() == {"practitioner"}
    assert bob.team.name == "Family Support"


def test_a_new_leaver_is_signed_out_everywhere(early_help: Team) -> None:
    do_import(csv(ANN, BOB))
    user = make_user(StaffMember.objects.get(staff_id="S001"))
    do_import(csv(ANN + "2026-11-23", BOB))
    user.refresh_from_db()
    assert user.session_generation == 1
    do_import(csv(ANN + "2026-11-23", BOB))  # unchanged: no second bump
    user.refresh_from_db()
    assert user.session_generation == 1


def test_one_bad_row_rejects_the_whole_file(early_help: Team) -> None:
    assert problems(csv(ANN, BOB.replace("flexible", "hybrid"))) == [
        "line 3, column work_pattern: 'hybrid' is not one of office, remote or flexible"
    ]
    assert StaffMember.objects.count() == 0
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.decision) == ("import.staff", "refused")


def test_missing_and_unknown_columns() -> None:
    header = HEADER.replace("email,", "").replace("team,", "teem,")
    assert problems(csv("x", header=header)) == [
        "line 1, column teem: unknown column; the columns are " + HEADER.replace(",", ", "),
        "line 1, column email: missing column",
        "line 1, column team: missing column",
    ]


def test_unknown_enum_values(early_help: Team) -> None:
    row = (
        "S001,Ann,Example,ann@council.example,Family Services,Early Help,practitioner;boss,"
        "staff,maybe,hybrid,2020-01-06,"
    )
    assert problems(csv(row)) == [
        "line 2, column role: 'boss' is not one of practitioner, team_manager, centre_manager, "
        "volunteer_manager, it_support, ig_officer, foi_officer or sysadmin",
        "line 2, column employment_type: 'staff' is not one of employee, agency, contractor "
        "or volunteer",
        "line 2, column works_with_vulnerable_people: 'maybe' is not yes or no",
        "line 2, column work_pattern: 'hybrid' is not one of office, remote or flexible",
    ]


def test_bad_dates_and_end_before_start(early_help: Team) -> None:
    assert problems(
        csv(
            ANN.replace("2020-01-06,", "06/01/2020,"),
            BOB.replace("2019-04-01,", "2019-02-30,"),
            ANN.replace("S001", "S003").replace("ann@", "cat@") + "2019-12-31",
        )
    ) == [
        "line 2, column start_date: '06/01/2020' is not a date in the form YYYY-MM-DD (ISO 8601)",
        "line 3, column start_date: '2019-02-30' is not a real date",
        "line 4, column end_date: the end date 2019-12-31 is before the start date 2020-01-06",
    ]


def test_empty_required_cells(early_help: Team) -> None:
    row = ",Ann,,not-an-email,Family Services,Early Help,,employee,,remote,,"
    assert problems(csv(row)) == [
        "line 2, column staff_id: is empty; a value is required",
        "line 2, column family_name: is empty; a value is required",
        "line 2, column email: is not a valid email address",
        "line 2, column role: is empty; at least one value is required (separate with ;)",
        "line 2, column works_with_vulnerable_people: is empty; yes or no is required",
        "line 2, column start_date: is empty; a date in the form YYYY-MM-DD is required",
    ]


def test_duplicate_ids_and_emails_in_the_file(early_help: Team) -> None:
    assert problems(csv(ANN, BOB, ANN.replace("ann@", "ann2@"), BOB.replace("S002", "S009"))) == [
        "line 4, column staff_id: 'S001' is also on line 2; each staff_id may appear only once",
        "line 5, column email: the same email address is on line 3",
    ]


def test_email_of_someone_else_in_the_database(early_help: Team) -> None:
    do_import(csv(ANN))
    assert problems(csv(BOB.replace("bob@", "ANN@"))) == [
        "line 2, column email: the email address already belongs to staff member S001"
    ]


def test_unknown_team_or_directorate_in_strict_mode() -> None:
    make_team("Early Help", "Family Services")
    assert problems(
        csv(
            ANN.replace("Early Help", "Late Help"),
            BOB.replace("Family Services", "Adults and Health"),
        )
    ) == [
        "line 2, column team: there is no team called 'Late Help'; add it first, or import "
        "with --create-missing",
        "line 3, column directorate: there is no directorate called 'Adults and Health'; add it "
        "first, or import with --create-missing",
        "line 3, column team: the team 'Early Help' is in the directorate 'Family Services', "
        "not 'Adults and Health'",
    ]


def test_create_missing_creates_directorates_and_teams() -> None:
    result = do_import(csv(ANN, BOB), create_missing=True)
    assert result.created == 2
    assert list(Team.objects.values_list("name", "directorate__name")) == [
        ("Early Help", "Family Services")
    ]
    assert Directorate.objects.count() == 1


def test_create_missing_still_refuses_a_new_team_in_two_directorates() -> None:
    assert problems(
        csv(ANN, BOB.replace("Family Services", "Adults and Health")), create_missing=True
    ) == [
        "line 3, column team: the new team 'Early Help' is in the directorate 'Family Services' "
        "on line 2, not 'Adults and Health'"
    ]
    assert Team.objects.count() == 0


def test_non_utf8_bytes_and_empty_file() -> None:
    data = csv(ANN).replace(b"Ann,", b"Ann\xe9,")
    assert problems(data) == [
        "line 2: contains a byte (0xE9) that is not UTF-8 text; save the file as CSV UTF-8 and "
        "try again"
    ]
    assert problems(b"") == [
        "line 1: the file is empty; it needs a header row: " + HEADER.replace(",", ", ")
    ]


def test_the_command_reports_every_problem_and_fails(tmp_path: Path, early_help: Team) -> None:
    path = tmp_path / "staff.csv"
    path.write_bytes(csv(ANN, BOB.replace("2019-04-01", "April")))
    err = StringIO()
    with pytest.raises(
        CommandError,
        match=r"^The staff file was not imported: 1 problem found\. "
        r"Nothing was changed\.$",
    ):
        call_command("import_data", "staff", str(path), stderr=err)
    assert err.getvalue() == (
        "line 3, column start_date: 'April' is not a date in the form YYYY-MM-DD (ISO 8601)\n"
    )
    path.write_bytes(csv(ANN, BOB))
    out = StringIO()
    call_command("import_data", "staff", str(path), stdout=out)
    assert out.getvalue() == "Imported 2 staff rows: 2 created, 0 updated, 0 unchanged.\n"


def test_the_command_refuses_unknown_kinds_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"^There is no import called 'widgets'\."):
        call_command("import_data", "widgets", "x.csv")
    with pytest.raises(
        CommandError, match=r"^Cannot read .*nope\.csv: No such file or directory\.$"
    ):
        call_command("import_data", "staff", str(tmp_path / "nope.csv"))


def test_the_audit_names_the_operating_system_user_and_a_known_actor(tmp_path: Path) -> None:
    path = tmp_path / "staff.csv"
    path.write_bytes(csv(ANN))
    first_import = ("import_data", "staff", str(path), "--create-missing")
    call_command(*first_import, stdout=StringIO())  # nobody is a member of staff yet
    path.write_bytes(csv(BOB))  # S001 may not import their own row (separation of duties)
    call_command(*first_import, "--actor", "S001", stdout=StringIO())
    first, second = AuditEntry.objects.filter(action="import.staff").order_by("id")
    user = getpass.getuser()
    assert (first.actor_staff_id, first.actor_username) == (
        "",
        f"command:import staff (operating-system user {user})",
    )
    assert (second.actor_staff_id, second.actor_username) == (
        "S001",
        f"command:import staff (operating-system user {user})",
    )


def test_an_unknown_or_departed_actor_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    path = tmp_path / "staff.csv"
    path.write_bytes(csv(ANN))
    with pytest.raises(CommandError) as caught:
        call_command("import_data", "staff", str(path), "--actor", "S999")
    assert str(caught.value) == (
        "--actor 'S999': there is no member of staff with that staff id. "
        "Give your own staff id (import staff first), or leave --actor out."
    )
    do_import(csv(ANN.replace("2020-01-06,", "2020-01-06,2021-03-31")), create_missing=True)
    with pytest.raises(CommandError) as caught:
        call_command("import_data", "staff", str(path), "--actor", "S001")
    assert str(caught.value) == (
        "--actor 'S001': that member of staff left on 2021-03-31. Give your own staff id."
    )
    assert not AuditEntry.objects.filter(action="import.staff", actor_staff_id="S001").exists()


def test_the_plan_is_stale_once_staff_roles_teams_or_waiting_changes_change() -> None:
    """StaffImporter plans its writes before the lock (core.csv_import): its fingerprint must
    move whenever something the plan read changes, so the plan is built again."""
    from safekeep.organisation.importers import StaffImporter
    from safekeep.organisation.models import StaffRole

    importer = StaffImporter(origin=ORIGIN)
    staff = make_staff()
    seen = [importer.fingerprint()]

    def changed() -> bool:
        now = importer.fingerprint()
        moved = now != seen[-1]
        seen.append(now)
        return moved

    assert not changed()
    staff.family_name = "Renamed"
    staff.save()
    assert changed()
    StaffRole.objects.create(staff=staff, role="team_manager")
    assert changed()
    StaffRole.objects.filter(staff=staff, role="team_manager").delete()
    assert changed()
    make_team("Brand New Team")
    assert changed()
    change = StaffChange.objects.create(
        staff=staff, gives=["x"], requested_as="test", requested_at=staff.updated_at
    )
    assert changed()
    StaffChange.objects.filter(pk=change.pk).update(status=StaffChange.Status.REFUSED)
    assert changed()
