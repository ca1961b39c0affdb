"""IG's retention pages: the list due, approving it, legal holds, and the tombstones."""

from __future__ import annotations

import pytest
from django.test import Client

from safekeep.audit.models import AuditEntry
from safekeep.records.models import Case
from safekeep.retention import services
from safekeep.retention.models import DisposalBatch, LegalHold, Tombstone
from tests.factories import make_staff, make_user, sign_in
from tests.retention.helpers import ORIGIN, ig_officer, old_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _ig(client: Client):
    ig = ig_officer()
    sign_in(client, make_user(ig))
    return ig


def test_ig_approves_a_months_list_on_the_page(client: Client) -> None:
    from django.utils import timezone

    case = old_case()
    services.disposal_list(now=timezone.now(), origin=ORIGIN)
    _ig(client)
    page = client.get("/governance/retention/")
    assert page.status_code == 200
    assert case.case_id.encode() in page.content and b"Looked-after child" in page.content
    batch = DisposalBatch.objects.get()
    refused = client.post(
        "/governance/retention/", {"form": "approve", "batch": batch.pk, "reason": "short"}
    )
    assert refused.status_code == 400 and b"There is a problem" in refused.content
    assert b"in at least 10 characters" in refused.content
    done = client.post(
        "/governance/retention/",
        {"form": "approve", "batch": batch.pk, "reason": "Retention ended, no hold"},
        follow=True,
    )
    assert b"1 record disposed of" in done.content
    assert not Case.objects.filter(pk=case.pk).exists()
    tomb = client.get(f"/governance/retention/disposed/{case.case_id}/")
    assert b"was disposed of" in tomb.content and b"regulation 50" in tomb.content
    listed = client.get("/governance/retention/disposed/")
    assert case.case_id.encode() in listed.content


def test_ig_places_and_releases_a_hold(client: Client) -> None:
    case = old_case()
    _ig(client)
    client.post(
        "/governance/retention/",
        {"form": "hold", "case_id": case.case_id, "reason": "Claim against the council"},
    )
    hold = LegalHold.objects.get(case_id=case.case_id)
    assert b"Claim against the council" in client.get("/governance/retention/").content
    client.post(
        "/governance/retention/",
        {"form": "release", "hold": hold.pk, "reason": "The claim was settled"},
    )
    hold.refresh_from_db()
    assert hold.released_at is not None


def test_nobody_else_sees_the_retention_pages(client: Client) -> None:
    sign_in(client, make_user(make_staff(roles=("team_manager",))))
    assert client.get("/governance/retention/").status_code == 403
    assert not Tombstone.objects.exists()
    assert AuditEntry.objects.filter(action="manage_retention", decision="refused").exists()
