"""`account_may_act`: the one answer sessions, API tokens, device credentials, enrolment
codes and sign-in share."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safekeep.accounts.models import User
from safekeep.accounts.standing import Standing, account_may_act
from tests.factories import make_staff, make_user

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2026, 11, 23, 12, 0))


def _account(**change: object) -> User:
    staff = make_staff(end_date=change.pop("end_date", None))  # type: ignore[arg-type]
    user = make_user(staff)
    for field, value in change.items():
        setattr(user, field, value)
    user.save()
    return user


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({}, ""),
        ({"end_date": dt.date(2026, 11, 23)}, ""),  # the last working day still counts
        ({"end_date": dt.date(2026, 11, 22)}, "staff member has left"),
        ({"is_active": False}, "account disabled"),
        (
            {"is_active": False, "end_date": dt.date(2020, 1, 1)},
            "account disabled",
        ),
    ],
    ids=[
        "in post",
        "last working day",
        "leaver",
        "disabled",
        "disabled leaver",
    ],
)
def test_who_may_act_now(change: dict[str, object], reason: str) -> None:
    standing = account_may_act(_account(**change), NOW)
    assert standing == Standing(reason)
    assert standing.may_act is (reason == "")


def test_an_account_with_no_member_of_staff_may_not_act() -> None:
    user = User.objects.create_user(username="orphan@council.example")
    assert account_may_act(user, NOW) == Standing("account not linked to a member of staff")
