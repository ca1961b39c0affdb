"""Migration devices.0002: credentials and codes made before they named their person are
bound to the device's assigned person, or revoked to be enrolled again; nothing is deleted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from safekeep.devices.models import DeviceCredential, EnrolmentCode
from tests.migrating import migrate, models_at, old_staff_member

BEFORE = [("devices", "0001_initial")]
AFTER = [("devices", "0002_credentials_name_their_person")]


@pytest.fixture
def old_apps() -> Iterator[Any]:
    """The models as they were before the migration."""
    with models_at(BEFORE, then=AFTER) as apps:
        yield apps


@pytest.mark.django_db(transaction=True)
def test_existing_credentials_are_bound_or_revoked_and_codes_bound_or_expired(
    old_apps: Any,
) -> None:
    people = {name: old_staff_member(old_apps, name) for name in ("S1", "S2")}
    Device = old_apps.get_model("devices", "Device")
    Credential = old_apps.get_model("devices", "DeviceCredential")
    Code = old_apps.get_model("devices", "EnrolmentCode")

    def device(tag: str, holder: str | None, **fields: str) -> Any:
        values = {
            "device_type": "laptop",
            "ownership": "council",
            "encrypted": "yes",
            "passcode": "yes",
            **fields,
        }
        return Device.objects.create(
            asset_tag=tag, assigned_staff=people[holder] if holder else None, **values
        )

    laptop = device("LAP-1", "S1")
    spare = device("DSK-1", None, device_type="desktop")
    declared = device(
        "PER-1",
        "S2",
        device_type="smartphone",
        ownership="personal",
        passcode="unknown",
        encrypted="unknown",
    )
    checked = device(
        "PER-2", "S2", device_type="smartphone", ownership="personal", encrypted="unknown"
    )
    earlier = timezone.now() - dt.timedelta(days=30)
    for tag, target in (
        ("old", laptop),
        ("a", laptop),
        ("b", spare),
        ("c", declared),
        ("d", checked),
    ):
        Credential.objects.create(device=target, token_hash=tag * 8)
    Credential.objects.filter(token_hash="old" * 8).update(revoked_at=earlier)
    later = timezone.now() + dt.timedelta(hours=12)
    Code.objects.create(device=laptop, code_hash="x" * 64, expires_at=later)
    Code.objects.create(device=spare, code_hash="y" * 64, expires_at=later)

    migrate(AFTER)

    credentials = {
        c.token_hash[:1]: (c.staff.staff_id if c.staff else None, c.revoked_at is None)
        for c in DeviceCredential.objects.all()
    }
    assert credentials == {
        "o": (None, False),  # revoked before: left as it was
        "a": ("S1", True),  # bound to the laptop's assigned person
        "b": (None, False),  # nobody to bind it to: revoked, enrol again
        "c": (None, False),  # enrolled by saying so: revoked, enrol again with IT's code
        "d": ("S2", True),  # IT checked it: bound to its owner
    }
    assert DeviceCredential.objects.get(token_hash="old" * 8).revoked_at == earlier
    codes = {
        c.code_hash[:1]: (c.issued_for_id, c.expires_at > timezone.now())
        for c in EnrolmentCode.objects.all()
    }
    assert codes == {"x": (people["S1"].pk, True), "y": (None, False)}
    assert Device.objects.count() == 4
