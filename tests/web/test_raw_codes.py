"""The scan that every page in the route walk passes (tests/audit/test_every_route_audited.py)
finds what it is meant to, and only in the text a person reads."""

from __future__ import annotations

from tests.web.raw_codes import raw_codes_in


def test_finds_action_codes_role_codes_and_utc_offsets_in_the_text() -> None:
    page = "<p>Opened (case.view) by a team_manager at 2026-12-02 04:37+00:00</p>"
    found = raw_codes_in(page)
    assert len(found) == 3
    assert any("case.view" in text for text in found)


def test_ignores_attributes_scripts_and_words_that_merely_contain_a_code() -> None:
    page = (
        '<input name="team_manager" value="case.view">'
        "<script>const role = 'team_manager';</script>"
        "<p>Team manager; write to case.view.desk@council.example or see /case.views/</p>"
    )
    assert raw_codes_in(page) == []
