"""The Freedom of Information Act's exemptions an officer can cite, and how the letter
names them. Pure Python."""

from __future__ import annotations

from typing import Final

EXEMPTIONS: Final = {
    "s12": "Section 12: the cost of compliance would exceed the appropriate limit",
    "s14": "Section 14: the request is vexatious or repeated",
    "s21": "Section 21: the information is reasonably accessible to you by other means",
    "s22": "Section 22: the information is intended for future publication",
    "s31": "Section 31: disclosure would prejudice law enforcement",
    "s38": "Section 38: disclosure would endanger health or safety",
    "s40": "Section 40: the information is personal information about someone else",
    "s41": "Section 41: the information was provided in confidence",
    "s43": "Section 43: disclosure would prejudice commercial interests",
}


def exemption_codes(text: str) -> list[str]:
    """The codes stored as "s21;s40", in the Act's order."""
    chosen = {code for code in text.split(";") if code}
    return [code for code in EXEMPTIONS if code in chosen]
