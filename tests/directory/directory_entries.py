"""Synthetic directory entries (plain dicts, as YAML would give them) and helpers to read the page."""
from __future__ import annotations

import copy


def entry(**fields) -> dict:
    """A valid directory entry (as YAML would give it), with `fields` replacing the defaults."""
    values = {
        "id": "test-line", "name_en": "Test line", "name_fr": "Ligne d'essai", "purpose": "crisis_line",
        "scope": ["national"], "phones": [{"number": "1-800-555-0100", "kind": "tollfree", "note": "Main line"}],
        "website": "https://example.org/help", "hours": {"text": "24/7", "machine": "24/7"}, "languages": ["en", "fr"],
        "eligibility": "Anyone in Canada.", "sources": ["https://example.org/source"], "confidence": "high",
        "notes": "", "display": True, "verified_on": None,
    }
    values.update(copy.deepcopy(fields))
    return values


def required_entries() -> list[dict]:
    """The two entries the top of the page is built from."""
    return [
        entry(id="emergency-911", name_en="Emergency services", name_fr="Services d'urgence", purpose="emergency",
              phones=[{"number": "911", "kind": "voice"}], website=""),
        entry(id="988-suicide-crisis-helpline", name_en="9-8-8: Suicide Crisis Helpline", name_fr="9-8-8",
              phones=[{"number": "988", "kind": "voice"}, {"number": "988", "kind": "text"}],
              website="https://988.ca"),
    ]


def main_of(html: str) -> str:
    """The inside of <main>, quotes unescaped."""
    return unescape_quotes(html.split('<main id="main" tabindex="-1">', 1)[1].split("</main>", 1)[0])


def card_of(html: str, service_id: str) -> str:
    """The HTML of one entry's card."""
    return html.split(f'id="service-{service_id}"', 1)[1].split("</article>", 1)[0]


def unescape_quotes(html: str) -> str:
    """Data is escaped (d&#39;urgence) while catalog strings are not (d'urgence): compare without the difference."""
    return html.replace("&#39;", "'")
