"""A request's response letter, in the shape of the council's own (shared/seeds/
000_0c0a6f304e5cf73e.txt): the date and reference, "Thank you for your request received on
...", each question quoted in order with its answer and any exemptions, the Act, further
information, direct-marketing advice and "Your rights" with the review deadline in working
days. The standing wording is a data file a council may replace (letter_wording.toml,
SAFEKEEP_FOI_LETTER_WORDING)."""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from safekeep.governance.foi.documents import CONTENT_TYPES, Document, pdf_of
from safekeep.governance.foi.exemptions import EXEMPTIONS, exemption_codes
from safekeep.governance.foi.letter import day_words
from safekeep.governance.models import FoiRequest
from safekeep.governance.working_days import review_request_by

DEFAULT_WORDING = Path(__file__).with_name("letter_wording.toml")
LETTER_FORMATS = ("html", "pdf")


def letter_wording() -> dict[str, Any]:
    """The default wording, with the council's own file (if any) laid over it."""
    wording = tomllib.loads(DEFAULT_WORDING.read_text())
    own = os.environ.get("SAFEKEEP_FOI_LETTER_WORDING", "")
    if own:
        wording.update(tomllib.loads(Path(own).read_text()))
    return wording


@dataclass(frozen=True, slots=True)
class LetterItem:
    number: int
    question: str
    answer: str
    exemptions: list[str]


def response_html(request: FoiRequest, *, dated: dt.date) -> str:
    """The letter dated `dated` (the response date once responded)."""
    wording = letter_wording()
    review_by = day_words(review_request_by(dated))
    items = [
        LetterItem(
            q.position, q.text, q.answer, [EXEMPTIONS[c] for c in exemption_codes(q.exemptions)]
        )
        for q in request.questions.all()
    ]
    return render_to_string(
        "governance/foi_response_letter.html",
        {
            "request": request,
            "day": day_words(dated),
            "received": day_words(request.received_on),
            "items": items,
            "wording": wording,
            "review": wording["review"].format(
                review_by=review_by, team=wording["team"], review_contact=wording["review_contact"]
            ),
            "review_by": review_by,
        },
    )


def response_document(request: FoiRequest, *, dated: dt.date, fmt: str) -> Document:
    if fmt not in LETTER_FORMATS:
        raise ValueError(f"{fmt!r} is not one of {', '.join(LETTER_FORMATS)}")
    html = response_html(request, dated=dated)
    return Document(
        content=html.encode() if fmt == "html" else pdf_of(html),
        content_type=CONTENT_TYPES[fmt],
        filename=f"foi-response-{request.reference}.{fmt}",
    )
