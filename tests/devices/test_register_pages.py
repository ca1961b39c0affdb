"""IT's device register: a page at a time (1,566 devices used to stop at "first 500 shown"),
filters kept from page to page, and the whole register as a CSV whose download is audited."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test import Client

from safekeep.audit.models import AuditEntry
from safekeep.devices.models import Device
from safekeep.organisation.models import StaffMember
from tests.devices.test_views import client_for
from tests.factories import make_device, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def register() -> list[Device]:
    holder = make_staff(given_name="Priya", family_name="Shah")
    devices = [make_device(asset_tag=f"LAP-{n:04d}", staff=holder) for n in range(1, 121)]
    lost = devices[7]
    lost.status = "lost"
    lost.save()
    return devices


def _tags(html: str) -> list[str]:
    return re.findall(r">(LAP-\d{4})</a>", html)


def test_the_register_goes_a_page_at_a_time(register: list[Device]) -> None:
    client, _ = client_for("it_support")
    first = client.get("/devices/register/").content.decode()
    assert _tags(first) == [f"LAP-{n:04d}" for n in range(1, 51)]
    assert "120 devices, 1 to 50 shown" in first
    assert "Page 1 of 3" in first and "500" not in first
    last = client.get("/devices/register/?page=3").content.decode()
    assert _tags(last) == [f"LAP-{n:04d}" for n in range(101, 121)]
    assert "Page 3 of 3" in last


def test_filters_are_kept_on_the_next_page_and_in_the_download_link(
    register: list[Device],
) -> None:
    client, _ = client_for("it_support")
    page = client.get("/devices/register/?status=active&q=LAP").content.decode()
    assert "119 devices" in page
    assert 'href="?status=active&amp;q=LAP&amp;page=2"' in page
    assert 'href="/devices/register.csv?status=active&amp;q=LAP"' in page


def test_the_csv_is_the_whole_filtered_register_and_its_download_is_audited(
    register: list[Device],
) -> None:
    register[0].os_version = "=HYPERLINK(1)"  # a formula IT's spreadsheet must not run
    register[0].save()
    client, it = client_for("it_support")
    assert isinstance(it, StaffMember)
    response = client.get("/devices/register.csv?status=active")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="device-register-')
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 119 and "LAP-0008" not in {row["asset_tag"] for row in rows}
    assert rows[0]["assigned_to"] == "Priya Shah" and rows[0]["os_version"] == "'=HYPERLINK(1)"
    entry = AuditEntry.objects.get(action="device.register_export")
    assert (entry.actor_staff_id, entry.decision) == (it.staff_id, "done")
    assert entry.reasons == ["rows 119", "status active"]


def test_only_it_may_download_the_register(register: list[Device]) -> None:
    client, _ = client_for("team_manager")
    assert client.get("/devices/register.csv").status_code == 403
    assert not AuditEntry.objects.filter(action="device.register_export").exists()
    assert Client().get("/devices/register.csv").status_code == 302
