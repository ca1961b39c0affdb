"""Whatever a revocation ends, it ends on the very next API read: nothing a revocation must
end at once is kept from one request to the next (the token, the account, the device, the
task policy, the allocation and the data keys are all read afresh by each request)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from safekeep.audit.writing import Origin
from safekeep.crypto.models import DataKey
from safekeep.devices.models import Device, DeviceCredential
from safekeep.devices.services import task_policy_change
from safekeep.records.models import Allocation
from tests import factories

pytestmark = pytest.mark.django_db
ORIGIN = Origin(actor_username="test")
YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


def _world() -> dict[str, Any]:
    worker = factories.make_staff()
    user = factories.make_user(worker)
    case = factories.make_case(team=worker.team, allocated=(worker,))
    headers = factories.api_headers(user)
    return {"worker": worker, "user": user, "case": case, "headers": headers}


def _revoke_credential(w: dict[str, Any]) -> None:
    DeviceCredential.objects.filter(device__assigned_staff=w["worker"]).update(
        revoked_at=timezone.now()
    )


def _lose_device(w: dict[str, Any]) -> None:
    device = Device.objects.get(assigned_staff=w["worker"])
    device.status = "lost"
    device.save()


def _prevent_central_records_on_laptops(w: dict[str, Any]) -> None:
    task_policy_change(
        origin=ORIGIN,
        changed_by=None,
        ownership="council",
        device_type="laptop",
        rules={"access_central_records": ("prevented", "")},
        reason="test",
    )


def _end_allocation(w: dict[str, Any]) -> None:
    Allocation.objects.filter(case=w["case"], staff=w["worker"]).update(ends_on=YESTERDAY)


def _suspend_account(w: dict[str, Any]) -> None:
    w["user"].is_active = False
    w["user"].save(update_fields=["is_active"])


def _make_a_leaver(w: dict[str, Any]) -> None:
    w["worker"].end_date = YESTERDAY
    w["worker"].save(update_fields=["end_date"])


@pytest.mark.parametrize(
    ("revoke", "status"),
    [
        (_revoke_credential, 403),
        (_lose_device, 403),
        (_prevent_central_records_on_laptops, 403),
        (_end_allocation, 403),
        (_suspend_account, 401),
        (_make_a_leaver, 401),
    ],
)
def test_a_revocation_takes_effect_on_the_very_next_read(
    revoke: Callable[[dict[str, Any]], None], status: int
) -> None:
    w = _world()
    client = Client()
    url = f"/api/v1/cases/{w['case'].case_id}"
    assert client.get(url, headers=w["headers"]).status_code == 200
    revoke(w)
    assert client.get(url, headers=w["headers"]).status_code == status


@pytest.mark.django_db(transaction=True)
def test_a_shredded_case_stops_opening_on_the_very_next_read() -> None:
    """Its data key destroyed by another process: this one kept no copy of it."""
    from safekeep.access.vocabulary import Action
    from safekeep.records import services

    w = _world()
    services.entry_add(
        access=factories.case_access(w["worker"], w["case"], Action.ADD_ENTRY),
        kind="note",
        title="Visit",
        body="Fine",
    )
    client = Client()
    url = f"/api/v1/cases/{w['case'].case_id}"
    assert client.get(url, headers=w["headers"]).json()["entries"][0]["versions"][0]["title"] == (
        "Visit"
    )
    DataKey.objects.filter(scope="case", object_id=str(w["case"].pk)).delete()
    title = client.get(url, headers=w["headers"]).json()["entries"][0]["versions"][0]["title"]
    assert title.startswith("[withheld")
