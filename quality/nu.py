"""The W3C Nu HTML checker (npm package vnu-jar), run with the system Java on many documents at once.

Java takes seconds to start, so every document goes into one invocation. Errors about htmx's hx-* attributes
are the only ones filtered out: they are deliberate, and browsers ignore attributes they do not know.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from portal.config import ROOT

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
HTMX_ATTRIBUTE = re.compile(r"^Attribute “hx-[a-z-]+” (is )?not allowed")

FRAGMENT_DOCUMENT = """<!DOCTYPE html>
<html lang="{lang}-CA"><head><meta charset="utf-8"><title>htmx fragment</title></head>
<body><main>
{fragment}
</main></body></html>
"""


def java() -> str | None:
    """The system `java`, if installed."""
    return shutil.which("java")


def wrap_fragment(fragment: str, lang: str) -> str:
    """A minimal valid document around an htmx fragment, so Nu checks the fragment in the place it is swapped."""
    return FRAGMENT_DOCUMENT.format(lang=lang, fragment=fragment)


def check(documents: dict[str, str], workdir: Path, stylesheets=()) -> dict[str, list[str]]:
    """Validate named HTML documents (and CSS files) in one Nu run; returns each name's errors.

    A document's name is its key; a stylesheet's is its file name without `.css`. hx-* attribute errors are dropped.
    """
    paths = [str(path) for path in stylesheets]
    for name, html in documents.items():
        path = Path(workdir) / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        paths.append(str(path))
    command = [java() or "java", "-jar", str(VNU_JAR), "--format", "json", "--errors-only", "--stdout",
               "--also-check-css", *paths]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    if completed.returncode not in (0, 1) or not completed.stdout.strip():
        raise RuntimeError(f"vnu failed ({completed.returncode}): {completed.stderr[-2000:]}")
    errors: dict[str, list[str]] = {name: [] for name in documents}
    for message in json.loads(completed.stdout)["messages"]:
        if message.get("type") == "info" or HTMX_ATTRIBUTE.match(message.get("message", "")):
            continue
        name = Path(message.get("url", "unknown")).stem  # "file:/tmp/.../home-en.html" -> "home-en"
        errors.setdefault(name, []).append(
            f"line {message.get('lastLine', '?')}: {message.get('message')} [{message.get('extract', '').strip()}]")
    return errors
