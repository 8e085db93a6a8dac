"""Does a story signal distress? A bilingual list of phrases (data/distress_phrases.yaml, which staff extend),
matched on whole words, ignoring case and accents. A match never refuses a story: it shows its author help at
once and puts the story at the top of the moderation queue, marked urgent."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from portal.config import ROOT

DEFAULT_FILE = ROOT / "data" / "distress_phrases.yaml"
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})


def normalise(text: str) -> str:
    """Lower case, without accents, one kind of apostrophe and single spaces (hyphens kept)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES).casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", bare)


def _pattern(phrases: list[str]) -> re.Pattern | None:
    words = sorted({normalise(p).strip() for p in phrases if p and p.strip()}, key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in words)
    return re.compile(rf"(?<![\w'-])(?:{alternatives})(?![\w-])")


@dataclass(frozen=True)
class DistressMatcher:
    """The compiled phrase list."""

    signals: re.Pattern | None
    exceptions: re.Pattern | None

    def matches(self, text: str) -> bool:
        """True when the text holds a distress phrase outside the everyday expressions listed as exceptions."""
        if self.signals is None:
            return False
        plain = normalise(text)
        if self.exceptions is not None:
            plain = self.exceptions.sub(" ", plain)
        return self.signals.search(plain) is not None


def load_matcher(path: str | Path = DEFAULT_FILE) -> DistressMatcher:
    """Read and compile the phrase file; a file of the wrong shape stops start-up with a clear message."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected the keys en, fr and not_distress, each a list of phrases")
    lists = {}
    for key in ("en", "fr", "not_distress"):
        value = data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValueError(f"{path}: {key} must be a list of phrases (text), one per line")
        lists[key] = value
    return DistressMatcher(_pattern(lists["en"] + lists["fr"]), _pattern(lists["not_distress"]))
