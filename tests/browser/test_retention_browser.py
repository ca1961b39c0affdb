"""In Chromium: information governance places a legal hold on one of two records long past
retention, then approves the month's disposal list on the retention page. The held record
is kept; the other is destroyed: its worker can no longer open it, and IG finds its
tombstone (who approved, why, the rule). Screenshots at 375 px and 1280 px go to
SAFEKEEP_SCREENSHOTS when it is set."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safekeep.records.models import Case, Entry
from safekeep.retention import services
from safekeep.retention.models import Tombstone
from tests.browser.helpers import assert_accessible, browser_sign_in, browser_use_device, shoot
from tests.factories import make_device, make_staff, make_team, make_user
from tests.retention.helpers import NOTE, ORIGIN, old_case
from tests.routes import forget_keys

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def _own_keys(tmp_path: Path, settings: Any) -> Iterator[None]:
    settings.DATA_DIR = tmp_path
    forget_keys()
    yield
    forget_keys()


def _signed_in(page: Any, live_server: Any, user: Any) -> Any:
    browser_use_device(page, live_server.url, make_device(staff=user.staff))
    browser_sign_in(page, user)
    page.set_viewport_size({"width": 1280, "height": 900})
    return page


def test_ig_approves_disposal_and_the_legal_hold_is_respected(
    page: Any, live_server: Any, _own_keys: None
) -> None:
    disposed, kept = old_case(), old_case()
    allocation = disposed.allocations.select_related("staff").get()
    worker = make_user(allocation.staff)
    ig = make_user(
        make_staff(team=make_team(), given_name="Ines", family_name="Keeper", roles=("ig_officer",))
    )
    _signed_in(page, live_server, ig)

    # A claim is expected about one record: IG places a legal hold on it.
    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name="Retention").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Retention and disposal")
    page.locator("#hold-case-id").fill(kept.case_id)
    page.locator("#reason-hold").fill("Solicitor's letter: a claim about this placement")
    page.get_by_role("button", name="Place the hold").click()
    expect(page.get_by_text(f"Legal hold placed on {kept.case_id}")).to_be_visible()

    # The monthly job lists both; the held one is shown as held.
    services.disposal_list(now=timezone.now(), origin=ORIGIN)
    page.reload()
    due = page.get_by_role("table")
    expect(due.get_by_role("row", name=re.compile(disposed.case_id))).to_contain_text("Due")
    expect(due.get_by_role("row", name=re.compile(kept.case_id))).to_contain_text("Legal hold")
    assert_accessible(page)
    shoot(page, "retention-due")

    # A reason too short is refused; then IG approves.
    approve = page.get_by_role("button", name=re.compile("^Approve disposal for"))
    page.locator("#reason-approve").fill("ok")
    approve.click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("There is a problem")
    assert Case.objects.filter(pk=disposed.pk).exists()
    assert_accessible(page)
    page.locator("#reason-approve").fill("Retention period ended; no claim or hold")
    page.get_by_role("button", name=re.compile("^Approve disposal for")).click()
    expect(page.get_by_text(re.compile(r"^1 record disposed of"))).to_be_visible()
    assert not Case.objects.filter(pk=disposed.pk).exists()
    assert not Entry.objects.filter(case_id=disposed.pk).exists()
    assert Case.objects.filter(pk=kept.pk).exists()  # the hold was respected
    expect(page.get_by_text(f"Case {kept.case_id}")).to_be_visible()  # still under its hold

    # The tombstone: what was disposed of, who approved it and why.
    page.get_by_role("link", name=re.compile(r"^Disposed records")).click()
    page.get_by_role("link", name=disposed.case_id).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Case {disposed.case_id} was disposed of"
    )
    main = page.locator("main")
    expect(main).to_contain_text("Ines Keeper")
    expect(main).to_contain_text("Retention period ended; no claim or hold")
    expect(main).to_contain_text("Nobody can read it again")
    assert NOTE not in main.inner_text()
    assert_accessible(page)
    shoot(page, "retention-tombstone")
    assert Tombstone.objects.filter(case_id=kept.case_id).count() == 0

    # The worker who wrote it cannot read it any more.
    other = page.context.browser.new_context(base_url=live_server.url).new_page()
    _signed_in(other, live_server, worker)
    response = other.goto(f"/cases/{disposed.case_id}/")
    # Refused exactly as for a case that never existed (the door does not say which).
    assert response is not None and response.status == 403
    assert NOTE not in other.content()
    caseload = other.goto("/cases/")
    assert caseload is not None and disposed.case_id not in other.content()
    other.context.close()
