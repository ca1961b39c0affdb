"""Which questions of a request are ones Safekeep answers from its own data: those of the
seed questionnaire (governance/foi/questions.py), however the requester punctuated, numbered
or quoted them. Pure Python."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Final

from safekeep.governance.foi.questions import QUESTIONS

SIMILAR_ENOUGH: Final = 0.85  # a few words differ (a dash, a quote mark), not the question


def _words(text: str) -> str:
    text = re.sub(r"^\s*\(?\d*[a-z]?[.)]\s+", "", text.strip().lower())  # "1a. ", "(b) "
    return " ".join(re.findall(r"[a-z0-9]+", text))


_KNOWN: Final = [(question.number, _words(question.text)) for question in QUESTIONS]


def matching_question(text: str) -> str:
    """The number of the questionnaire's question `text` asks ("1a"), or "" for none."""
    asked = _words(text)
    best, number = 0.0, ""
    for known_number, known in _KNOWN:
        ratio = SequenceMatcher(None, asked[: len(known) + 40], known).ratio()
        if ratio > best:
            best, number = ratio, known_number
    return number if best >= SIMILAR_ENOUGH else ""
