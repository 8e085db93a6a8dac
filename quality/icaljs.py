"""Read iCalendar data with ical.js (npm, the parser of Mozilla's calendar clients) through Node: a second parser,
written by nobody here, for the invites and feeds the portal sends. `parse(texts)` returns, per calendar, its METHOD
and each event's uid, sequence, status, start and end (ISO, UTC), summary and description."""
from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "quality" / "icaljs.mjs"
LIBRARY = ROOT / "node_modules" / "ical.js" / "dist" / "ical.js"


def missing() -> str | None:
    """Why ical.js cannot run here (no Node, or `npm ci` not run), or None."""
    if shutil.which("node") is None:
        return "Node.js is not installed (apt-get install nodejs): ical.js needs it"
    if not LIBRARY.exists():
        return f"{LIBRARY} is missing: run `npm ci` (make install)"
    return None


def parse(texts: list[str | bytes]) -> list[dict]:
    """Each calendar as ical.js reads it; raises CalledProcessError when ical.js rejects one."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for n, text in enumerate(texts):
            path = Path(folder) / f"{n}.ics"
            path.write_bytes(text if isinstance(text, bytes) else text.encode())
            paths.append(str(path))
        result = subprocess.run(["node", str(SCRIPT), *paths], capture_output=True, check=True, timeout=60)
    return json.loads(result.stdout)
