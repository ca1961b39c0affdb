"""What no page may show a person: the codes Safekeep speaks internally.

An audit action code ("case.view"), a role's code ("team_manager") or a bare UTC offset
("+00:00") in the text of a page means a template printed a value it should have put in
words. The scan reads only the text a person sees (not attributes, scripts or styles).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from safekeep.audit.wording import ACTION_WORDS
from safekeep.organisation.roles import RoleName

_CODES = sorted(
    {*ACTION_WORDS, *(role.value for role in RoleName if "_" in role.value)}, key=len, reverse=True
)
RAW = re.compile(
    r"(?<![\w.@/-])(" + "|".join(re.escape(code) for code in _CODES) + r")(?![\w-]|\.\w)|\+00:00"
)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def raw_codes_in(html: str) -> list[str]:
    """Each code found in the page's visible text, with a little of the text around it."""
    parser = _Text()
    parser.feed(html)
    text = " ".join(" ".join(parser.parts).split())
    return [text[max(0, m.start() - 40) : m.end() + 40] for m in RAW.finditer(text)]
