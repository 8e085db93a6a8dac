"""Synthetic directory entries for the tests (plain dicts, as YAML would give them)."""
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
