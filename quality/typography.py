"""French typography as a reader sees it (Bureau de la traduction, OQLF; issue 15): a no-break space (U+00A0)
before ":", inside « », between a number and "%" and in "19 h"; no space before ";", "?" and "!" (Canadian usage).

`visible_text()` takes what a person reads or hears from an HTML page: text, and the alt, title, aria-label,
placeholder and meta description values. Text inside an element marked lang="en…" (English data shown on a French
page, such as an organisation's name) is left out: English typography applies there.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

RULES = (
    (re.compile(r"[ \u202f]:(?=\s|$)"), "ordinary space before ':' (use U+00A0)"),
    (re.compile(r"[A-Za-zÀ-ÿ)»]:(?=\s)"), "no space before ':' (use U+00A0)"),
    (re.compile(r"«(?!\u00a0)"), "'«' without U+00A0 after it"),
    (re.compile(r"(?<!\u00a0)»"), "'»' without U+00A0 before it"),
    (re.compile(r"[ \u00a0\u202f][;?!]"), "space before ';', '?' or '!' (none in Canada)"),
    (re.compile(r"\d[ \u202f]%"), "ordinary space before '%' (use U+00A0)"),
    (re.compile(r"\b\d{1,2} h\b"), "ordinary space in a time such as '19 h' (use U+00A0)"),
)
VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
READ_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # for each open element: is it (or an ancestor) English or not read (script)?
        self.chunks: list[str] = []  # text as read (inline pieces joined), then attribute values, one per line
        self.attributes: list[str] = []

    @property
    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1]

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        english = (values.get("lang") or "").lower().startswith("en")
        skip = self.skipping or english or tag in ("script", "style")
        if not skip:
            self.attributes.extend(values[name] for name in READ_ATTRIBUTES if values.get(name))
            if tag == "meta" and values.get("name") == "description" and values.get("content"):
                self.attributes.append(values["content"])
        if tag not in VOID:
            self.stack.append(skip)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not self.skipping:
            self.chunks.append(data)


def visible_text(html: str) -> str:
    """What a reader gets from the page, one chunk per line (English-marked parts left out)."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return "".join(reader.chunks) + "\n" + "\n".join(reader.attributes)


def french_spacing_problems(text: str) -> list[str]:
    """Each problem as 'rule: …context…'; empty when the text follows the rules."""
    problems = []
    for pattern, rule in RULES:
        for match in pattern.finditer(text):
            start, end = max(match.start() - 30, 0), min(match.end() + 30, len(text))
            problems.append(f"{rule}: …{text[start:end]!r}…")
    return problems
