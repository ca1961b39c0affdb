"""The demo's way in to case content: a one-time code that enrols a browser as a laptop."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safekeep.accounts.services import account_create
from safekeep.audit.writing import Origin
from safekeep.devices.models import Device
from safekeep.devices.services import enrolment_redeem
from tests.factories import make_staff

pytestmark = pytest.mark.django_db


def test_a_demo_account_gets_a_code_that_enrols_its_compliant_council_laptop() -> None:
    staff = make_staff()
    account_create(staff=staff, password="x" * 16, totp_key_hex="00" * 20, is_demo_account=True)
    out = StringIO()
    call_command("demo_code", staff.email, "--enrol", stdout=out)
    device, token = enrolment_redeem(origin=Origin(), code=out.getvalue().strip())
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
