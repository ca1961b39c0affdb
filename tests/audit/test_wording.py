"""The audit log's actions in plain words: one table, and every action Safekeep records has
its words (a new action without them fails here)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from safekeep.access.vocabulary import ACTIONS, Duty
from safekeep.audit.wording import ACTION_WORDS, action_words
from safekeep.records.models import BreakGlass, Referral

SRC = Path(__file__).resolve().parents[2] / "src" / "safekeep"
PREFIXES = [
    "access",
    "access_review",
    "account",
    "alert",
    "allocation",
    "api_token",
    "audit",
    "auth",
    "backup",
    "break_glass",
    "case",
    "crypto",
    "demo",
    "device",
    "document",
    "entry",
    "grant",
    "keys",
    "notification",
    "page",
    "referral",
    "request",
    "risk_assessment",
    "staff",
    "staff_change",
    "task_policy",
    "transfer",
]
# String literals of that shape that are not actions (Django labels, key names).
NOT_ACTIONS = {
    "audit.auditentry",
    "auth.group",
    "auth.permission",
    "backup.key",
    "crypto.keyencryptionkey",
}
LITERAL = re.compile(r"\"((?:" + "|".join(PREFIXES) + r")\.[a-z_]+)\"")
# Any action given by keyword, whatever its prefix: a new app's actions are found too.
KEYWORD = re.compile(r"action=\"([a-z_]+\.[a-z_]+)\"")


def literal_actions() -> set[str]:
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        if "migrations" not in path.parts:
            text = path.read_text(encoding="utf-8")
            found.update(LITERAL.findall(text), KEYWORD.findall(text))
    return found - NOT_ACTIONS


def built_actions() -> set[str]:
    """The codes written with f-strings: case.<action or duty>, <kind>.<duty> refusals,
    break-glass outcomes, referral and transfer verbs, alert triage, IG pages."""
    kinds = [kind.value for kind in Referral.Kind]
    reports = [
        f"report_{name}{csv}" for name in ("subject", "staff", "refusals") for csv in ("", "_csv")
    ]
    return {
        *(f"case.{action}" for action in ACTIONS),
        *(f"case.{duty}" for duty in (Duty.ALLOCATE, Duty.REFER, Duty.SEE_WHO_CAN_SEE)),
        "grant.decide_grant",
        "breakglass.review_break_glass",
        "staff.change_staff",
        "staff_change.decide_staff_change",
        "alert.triage_alert",
        *(
            f"{kind}.{duty}"
            for kind in kinds
            for duty in (Duty.DECIDE_REFERRAL, Duty.CLOSE_REFERRAL)
        ),
        *(f"{kind}.{verb}" for kind in kinds for verb in ("create", "accept", "decline", "close")),
        *(f"break_glass.{o}" for o in BreakGlass.Outcome.values if o != "pending"),
        "alert.acknowledge",
        "alert.dismiss",
        *(f"audit.{report}" for report in ("dashboard", "subject_search", *reports)),
        "device.report_lost",
        "device.report_stolen",
        *(f"access_review.{o}" for o in ("confirmed", "changed", "access_removed")),
    }


def test_every_action_recorded_has_words() -> None:
    codes = literal_actions() | built_actions()
    assert len(codes) > 80
    missing = sorted(code for code in codes if action_words(code, "done") == code)
    assert missing == []


@pytest.mark.parametrize(
    ("action", "decision", "words"),
    [
        ("case.view", "allowed", "opened the case"),
        ("case.view", "refused", "tried to open the case"),
        ("entry.add", "done", "added an entry"),
        ("break_glass.start", "done", "used break-glass to open the case"),
        ("auth.sign_in", "refused", "tried to sign in"),
        ("backup.restored", "failed", "tried to restore a backup"),
        ("import.risk-assessments", "done", "imported a risk assessments file"),
        ("something.new", "done", "something.new"),  # shown as it is, never hidden
    ],
)
def test_words(action: str, decision: str, words: str) -> None:
    assert action_words(action, decision) == words


def test_each_code_has_both_forms() -> None:
    assert all(done and tried for done, tried in ACTION_WORDS.values())
