"""The sites pages: the centre manager's site page and forms, showing a code to a holder,
checking a paper file out from the case page, and printing from it."""

from __future__ import annotations

import pytest
from django.test import Client

from safekeep.audit.models import AuditEntry
from safekeep.sites.models import Checkout, Door, EndOfDayCheck, PrintJob, Visit
from tests.factories import make_user, sign_in
from tests.sites.world import hillside

pytestmark = pytest.mark.django_db


def test_the_centre_manager_records_a_new_code_and_its_holder_sees_it(client: Client):
    world = hillside()
    sign_in(client, make_user(world.manager))
    page = client.get(f"/sites/{world.site.pk}/")
    assert page.status_code == 200
    assert "Main entrance" in page.content.decode()
    done = client.post(
        f"/sites/doors/{world.door.pk}/code/",
        {"code": "7788", "holders": [world.manager.pk, world.worker.pk]},
    )
    assert done.status_code == 302
    assert Door.objects.get().code_set_by == world.manager
    worker = sign_in(Client(), make_user(world.worker))
    shown = worker.post(f"/sites/doors/{world.door.pk}/show/")
    assert shown.status_code == 200 and "7788" in shown.content.decode()
    assert shown["Cache-Control"] == "no-store"
    holder = sign_in(Client(), make_user(world.holder))
    assert holder.post(f"/sites/doors/{world.door.pk}/show/").status_code == 403


def test_a_practitioner_may_not_open_the_site_page(client: Client):
    world = hillside()
    sign_in(client, make_user(world.worker))
    assert client.get(f"/sites/{world.site.pk}/").status_code == 403
    assert client.get("/sites/").status_code == 403


def test_a_bad_code_shows_the_gov_uk_error_summary(client: Client):
    world = hillside()
    sign_in(client, make_user(world.manager))
    page = client.post(
        f"/sites/doors/{world.door.pk}/code/", {"code": "1", "holders": [world.worker.pk]}
    )
    assert page.status_code == 400
    assert "There is a problem" in page.content.decode()


def test_visitors_sign_in_and_out_and_the_evening_check(client: Client):
    world = hillside()
    sign_in(client, make_user(world.manager))
    signed = client.post(
        f"/sites/{world.site.pk}/visitors/",
        {
            "visitor_name": "Dr Amara Okafor",
            "organisation": "NHS",
            "accompanied_by": world.worker.pk,
        },
    )
    assert signed.status_code == 302
    visit = Visit.objects.get()
    log = client.get(f"/sites/{world.site.pk}/visitors/?q=okafor")
    assert "Dr Amara Okafor" in log.content.decode()
    assert client.post(f"/sites/visits/{visit.pk}/out/").status_code == 302
    assert Visit.objects.get().signed_out_at is not None
    check = client.post(
        f"/sites/{world.site.pk}/end-of-day/", {"laptops_locked": "on", "paper_locked": "on"}
    )
    assert check.status_code == 302
    assert EndOfDayCheck.objects.get().recorded_by == world.manager


def test_the_case_page_checks_the_paper_file_out_and_offers_printing(client: Client):
    world = hillside()
    sign_in(client, make_user(world.worker))
    case_page = client.get(f"/cases/{world.case.case_id}/").content.decode()
    assert "Check it out to me" in case_page
    assert "Print this record" in case_page
    assert client.post("/sites/files/PF-77/", {"action": "check_out"}).status_code == 302
    assert Checkout.objects.get().staff == world.worker
    # H1 is in the team but neither allocated nor its manager: the door refuses them.
    stranger = sign_in(Client(), make_user(world.holder))
    assert stranger.post("/sites/files/PF-77/", {"action": "check_out"}).status_code == 403


def test_printing_to_a_printer_without_release_is_refused_with_its_reason(client: Client):
    world = hillside()
    sign_in(client, make_user(world.worker))
    page = client.post(f"/sites/print/{world.case.case_id}/", {"printer": world.open_printer.pk})
    assert page.status_code == 403
    assert "coded release" in page.content.decode()
    assert not PrintJob.objects.exists()
    printed = client.post(f"/sites/print/{world.case.case_id}/", {"printer": world.coded.pk})
    assert printed.status_code == 200
    assert "Collect it from Staff room MFD now" in printed.content.decode()
    prints = AuditEntry.objects.filter(action="case.print").order_by("id")
    assert [p.decision for p in prints] == ["refused", "done"]
