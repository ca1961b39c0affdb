"""`safekeep createadmin`."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from safekeep.accounts.models import AuthenticatorApp, User
from tests.accounts.helpers import actions
from tests.factories import make_staff, make_user

pytestmark = pytest.mark.django_db


def _password_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "password"
    path.write_text(text)
    return str(path)


def test_createadmin_makes_an_account_without_an_app(tmp_path: Path) -> None:
    staff = make_staff(roles=("sysadmin",), staff_id="A0001")
    out = io.StringIO()
    path = _password_file(tmp_path, "a long admin passphrase\n")
    call_command("createadmin", "--staff-id=A0001", f"--password-file={path}", stdout=out)
    user = User.objects.get(staff=staff)
    assert user.check_password("a long admin passphrase")
    assert not AuthenticatorApp.objects.filter(user=user).exists()
    assert "you will set up an authenticator app the first time" in out.getvalue()
    assert [d for d, _ in actions("account.create")] == ["done"]


@pytest.mark.parametrize(
    ("setup", "password", "message"),
    [
        (
            "missing",
            "a long admin passphrase",
            "No staff member has staff ID A0001. Import staff first.",
        ),
        (
            "not_sysadmin",
            "a long admin passphrase",
            "Staff member A0001 does not hold the sysadmin role. "
            "Give them the role in the staff import first.",
        ),
        ("has_account", "a long admin passphrase", "Staff member A0001 already has an account."),
        (
            "ok",
            "short",
            "That password cannot be used: This password is too short. "
            "It must contain at least 12 characters.",
        ),
        ("ok", "", "The password file {file} is empty."),
    ],
)
def test_createadmin_refusals(tmp_path: Path, setup: str, password: str, message: str) -> None:
    if setup != "missing":
        roles = ("practitioner",) if setup == "not_sysadmin" else ("sysadmin",)
        staff = make_staff(roles=roles, staff_id="A0001")
        if setup == "has_account":
            make_user(staff)
    path = _password_file(tmp_path, password)
    with pytest.raises(CommandError) as error:
        call_command("createadmin", "--staff-id=A0001", f"--password-file={path}")
    assert str(error.value) == message.format(file=path)
