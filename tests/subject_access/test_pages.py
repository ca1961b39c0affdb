"""IG's subject access pages through the test client: the door keeps everyone else out,
each step goes through the services and is audited, and the export downloads and opens."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import pyzipper
from django.test import Client

from safekeep.audit.models import AuditEntry
from safekeep.subject_access.models import Export, SubjectAccessRequest, Withholding
from safekeep.web.context_processors import nav_entries
from tests.factories import make_staff, make_user, sign_in
from tests.subject_access.conftest import World

PASSWORD = "a long export password"  # nosec B105


def _ig(client: Client, world: World) -> Client:
    return sign_in(client, make_user(world.ig.staff))


def _last(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).latest("id")


def test_the_menu_leads_ig_to_the_requests() -> None:
    assert ("Subject access", "governance:sar-list") in nav_entries({"ig_officer"})
    assert all(name != "governance:sar-list" for _, name in nav_entries({"team_manager"}))


@pytest.mark.parametrize(
    "path", ["/governance/subject-access/", "/governance/subject-access/{pk}/"]
)
def test_anyone_but_ig_is_refused_and_the_refusal_recorded(
    world: World, client: Client, path: str
) -> None:
    manager = make_staff(team=world.case.owning_team, roles=("team_manager",))
    sign_in(client, make_user(manager))
    response = client.get(path.format(pk=world.request.pk))
    assert response.status_code == 403
    assert AuditEntry.objects.latest("id").decision == "refused"
    assert b"WITHHELDNEIGHBOUR" not in response.content


def test_the_list_shows_the_countdown_and_the_flags(world: World, client: Client) -> None:
    _ig(client, world)
    response = client.get("/governance/subject-access/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Subject Number" in text and "Overdue" in text  # received 31 January 2025
    assert _last("sar.list").decision == "allowed"


def test_finding_the_person_by_case_and_opening_a_request(world: World, client: Client) -> None:
    _ig(client, world)
    response = client.get("/governance/subject-access/", {"q": world.case.case_id})
    assert f"/governance/subject-access/new/{world.case.subject.subject_id}/" in (
        response.content.decode()
    )
    search = _last("sar.search")
    assert search.reasons[-1] == f"found {world.case.subject.subject_id}"
    by_birth = client.get("/governance/subject-access/", {"q": "2015-05-01"})
    assert world.case.subject.subject_id in by_birth.content.decode()
    new = f"/governance/subject-access/new/{world.case.subject.subject_id}/"
    assert client.get(new).status_code == 200
    bad = client.post(new, {"received_on": "2026-02-30"})
    assert bad.status_code == 400 and "must be a real date" in bad.content.decode()
    response = client.post(new, {"received_on": "2026-01-31"})
    opened = SubjectAccessRequest.objects.latest("id")
    assert response.status_code == 302 and response["Location"].endswith(f"/{opened.pk}/")
    assert opened.received_on == dt.date(2026, 1, 31)
    assert _last("sar.open").subject_id == world.case.subject.subject_id


def test_identity_restarts_the_clock_and_extension_is_capped(world: World, client: Client) -> None:
    _ig(client, world)
    url = f"/governance/subject-access/{world.request.pk}/"
    client.post(url, {"form": "identity", "confirmed_on": "2025-02-03"})
    world.request.refresh_from_db()
    assert world.request.identity_confirmed_on == dt.date(2025, 2, 3)
    assert "3 March 2025" in client.get(url).content.decode()
    no_reason = client.post(url, {"form": "extend", "months": "2", "reason": ""})
    assert no_reason.status_code == 400 and "Say why" in no_reason.content.decode()
    assert _last("sar.extend_refused").decision == "allowed"
    client.post(url, {"form": "extend", "months": "2", "reason": "Twelve years of records"})
    world.request.refresh_from_db()
    assert world.request.extension_months == 2
    more = client.post(url, {"form": "extend", "months": "1", "reason": "Still more"})
    assert more.status_code == 400
    world.request.refresh_from_db()
    assert world.request.extension_months == 2


def test_withholding_needs_a_reason_and_only_the_subjects_entries(
    world: World, client: Client
) -> None:
    _ig(client, world)
    url = f"/governance/subject-access/{world.request.pk}/"
    prefix = f"entry-{world.kept.pk}"
    blank = client.post(url, {"form": "withhold", "entry": world.kept.pk, f"{prefix}-reason": ""})
    assert blank.status_code == 400
    assert f'href="#id_{prefix}-reason"' in blank.content.decode()
    other = client.post(
        url, {"form": "withhold", "entry": world.secret.pk, f"entry-{world.secret.pk}-reason": "x"}
    )
    assert other.status_code == 404
    client.post(url, {"form": "withhold", "entry": world.kept.pk, f"{prefix}-reason": "Police"})
    assert Withholding.objects.filter(request=world.request, entry=world.kept).exists()
    client.post(url, {"form": "release", "entry": world.kept.pk})
    assert not Withholding.objects.filter(request=world.request, entry=world.kept).exists()
    assert _last("sar.release").reasons == [f"entry {world.kept.pk}"]


def test_the_request_page_shows_records_and_history_and_the_preview_leaves_out_withheld(
    world: World, client: Client
) -> None:
    _ig(client, world)
    page = client.get(f"/governance/subject-access/{world.request.pk}/").content.decode()
    assert "KEEPMEVISIBLE" in page and "WITHHELDNEIGHBOUR" in page  # IG sees all to decide
    assert "OTHERSUBJECTTEXT" not in page
    assert "Opened the case" in page  # the worker's view, in plain words
    preview = client.get(f"/governance/subject-access/{world.request.pk}/preview/")
    text = preview.content.decode()
    assert "KEEPMEVISIBLE" in text and "third-party information" in text
    assert "WITHHELDNEIGHBOUR" not in text and "Neighbour&#x27;s account" not in text
    assert _last("sar.preview").reasons[-1] == "1 withheld"


def test_export_with_a_password_then_download_it(world: World, client: Client) -> None:
    _ig(client, world)
    url = f"/governance/subject-access/{world.request.pk}/export/"
    mismatch = client.post(url, {"password": PASSWORD, "confirm": "something else"})
    assert mismatch.status_code == 400 and not Export.objects.exists()
    assert PASSWORD not in mismatch.content.decode()
    response = client.post(url, {"password": PASSWORD, "confirm": PASSWORD})
    made = Export.objects.get()
    assert response.status_code == 302
    world.request.refresh_from_db()
    assert world.request.status == SubjectAccessRequest.Status.SENT
    # The password is nowhere Safekeep keeps anything.
    for entry in AuditEntry.objects.all():
        assert PASSWORD not in json.dumps([entry.reasons, entry.object_id])
    assert PASSWORD not in json.dumps(dict(client.session))
    download = client.get(f"/governance/subject-access/{world.request.pk}/exports/{made.pk}/")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert "attachment" in download["Content-Disposition"]
    with pyzipper.AESZipFile(io.BytesIO(download.content)) as archive:
        archive.setpassword(PASSWORD.encode())
        document = json.loads(archive.read("subject-access.json"))
    assert document["withheld"][0]["reason"] == "third-party information"
    assert _last("sar.download").decision == "done"


def test_a_purged_export_cannot_be_downloaded(world: World, client: Client) -> None:
    _ig(client, world)
    client.post(
        f"/governance/subject-access/{world.request.pk}/export/",
        {"password": PASSWORD, "confirm": PASSWORD},
    )
    made = Export.objects.get()
    made.purged_at = made.created_at
    made.save()
    response = client.get(f"/governance/subject-access/{world.request.pk}/exports/{made.pk}/")
    assert response.status_code == 302
    assert _last("sar.download_refused").decision == "allowed"


def test_every_sar_action_has_words() -> None:
    from safekeep.audit.wording import ACTION_WORDS

    actions = {
        "sar.list", "sar.search", "sar.open_form", "sar.open_refused", "sar.open", "sar.view",
        "sar.identity", "sar.extend", "sar.withhold", "sar.release", "sar.preview",
        "sar.export_form", "sar.export_refused", "sar.export", "sar.download",
        "sar.download_refused", "sar.export_purged", "answer_sar", "sar.answer_sar",
        *(f"sar.{form}_refused" for form in ("identity", "extend", "withhold", "release")),
    }  # fmt: skip
    assert sorted(actions - set(ACTION_WORDS)) == []


def test_others_cannot_tell_which_requests_or_people_exist(world: World, client: Client) -> None:
    sign_in(client, make_user(make_staff(team=world.case.owning_team)))
    for path in (
        f"/governance/subject-access/{world.request.pk}/",
        "/governance/subject-access/999999/",
        f"/governance/subject-access/new/{world.case.subject.subject_id}/",
        "/governance/subject-access/new/NOBODY/",
    ):
        assert client.get(path).status_code == 403, path
    _ig(client, world)
    assert client.get("/governance/subject-access/999999/").status_code == 404
    assert client.get("/governance/subject-access/new/NOBODY/").status_code == 404
