"""The request flow end to end in a real browser: a practitioner asks for access, the
manager approves it, the email arrives at the SMTP server, and My requests says until when."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

from safekeep.access.wording import minutes
from safekeep.records.models import AccessGrant
from tests.browser.helpers import assert_accessible, browser_sign_in, browser_use_device
from tests.factories import make_case, make_device, make_staff, make_team, make_user
from tests.smtp import SmtpServer, text_of


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_ask_approve_email_and_my_requests(
    page: Any, browser: Any, live_server: Any, smtp_server: SmtpServer
) -> None:
    team = make_team("Browser Requests Team")
    asker = make_staff(team=team)
    manager = make_staff(team=team, roles=("team_manager",))
    case = make_case(team=team, allocated=(make_staff(team=team),))
    browser_use_device(page, live_server.url, make_device(staff=asker))
    browser_sign_in(page, make_user(asker))

    page.goto(f"/cases/{case.case_id}/request-access/")
    page.locator("input[name=actions][value=view]").check()
    page.locator("textarea[name=reason]").fill("Covering for a colleague this week")
    page.locator("input[name=days]").fill("5")
    with page.expect_navigation():
        page.get_by_role("button", name="Send request").click()
    assert page.locator("h1").inner_text() == "Request sent"

    desk = browser.new_context(base_url=live_server.url)
    try:
        managing = desk.new_page()
        browser_use_device(managing, live_server.url, make_device(staff=manager))
        browser_sign_in(managing, make_user(manager))
        managing.goto("/cases/access-requests/")
        grant = AccessGrant.objects.get(grantee=asker)
        managing.locator(f"#approve-{grant.pk}").check()
        with managing.expect_navigation():
            managing.get_by_role("button", name=re.compile("Record decision")).click()
        assert "Decision recorded" in managing.content()
    finally:
        desk.close()

    grant.refresh_from_db()
    until = minutes(timezone.localtime(grant.expires_at))
    [message] = smtp_server.messages
    assert message["To"] == asker.email
    text = text_of(message)
    assert f"until {until}" in text and "/cases/my-requests/#request-" in text

    page.get_by_role("link", name="My requests").first.click()
    page.wait_for_url(re.compile(r"/cases/my-requests/$"))
    assert page.locator(f"#request-{grant.pk}").inner_text().endswith(f"Approved until {until}")
    assert_accessible(page)
