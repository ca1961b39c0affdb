"""`safekeep demo-code`: a demo account's sign-in code, and the demo's way in to case content
(a one-time code that enrols a browser as a laptop)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safekeep.accounts.services import account_create
from safekeep.audit.writing import Origin
from safekeep.devices.models import Device
from safekeep.devices.services import enrolment_redeem
from tests.browser.helpers import totp_code
from tests.factories import make_staff, make_user

pytestmark = pytest.mark.django_db


def test_demo_code_prints_the_current_code_for_demo_accounts_only() -> None:
    key = "3132333435363738393031323334353637383930"
    demo = account_create(
        staff=make_staff(),
        password="a long demo passphrase",
        totp_key_hex=key,
        is_demo_account=True,
    )
    out = StringIO()
    call_command("demo_code", demo.email, stdout=out)
    assert out.getvalue().strip() == totp_code(bytes.fromhex(key))

    ordinary = make_user(make_staff())
    for email in (ordinary.email, "nobody@council.example"):
        with pytest.raises(CommandError) as error:
            call_command("demo_code", email)
        assert str(error.value) == (
            f"{email} is not a demo account. demo-code only prints codes for the accounts "
            "that `safekeep demo` created."
        )


def test_a_demo_account_gets_a_code_that_enrols_its_compliant_council_laptop() -> None:
    staff = make_staff()
    user = account_create(
        staff=staff, password="x" * 16, totp_key_hex="00" * 20, is_demo_account=True
    )
    out = StringIO()
    call_command("demo_code", staff.email, "--enrol", stdout=out)
    device, token = enrolment_redeem(origin=Origin(), code=out.getvalue().strip(), user=user)
    assert token
    assert (device.asset_tag, device.device_type, device.ownership, device.encrypted) == (
        f"DEMO-LAP-{staff.staff_id}",
        "laptop",
        "council",
        "yes",
    )
    assert device.assigned_staff == staff
    call_command("demo_code", staff.email, "--enrol", stdout=StringIO())
    assert Device.objects.filter(assigned_staff=staff).count() == 1


def test_other_accounts_get_no_enrolment_code() -> None:
    staff = make_staff()
    account_create(staff=staff, password="x" * 16, totp_key_hex="00" * 20)
    with pytest.raises(CommandError, match="is not a demo account"):
        call_command("demo_code", staff.email, "--enrol", stdout=StringIO())
