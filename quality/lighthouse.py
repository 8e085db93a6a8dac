"""Lighthouse (npm `lighthouse`, pinned in package.json) on the main pages in both languages, mobile, with Debian
Chromium: performance, accessibility and best-practices scores, and the cold page weight on the wire.

    .venv/bin/python -m quality.lighthouse          # exits 1 when a page misses a target

Serves the demo programme with gunicorn (2 workers, --no-control-socket) from a throwaway SQLite database. Targets
(issue 13): performance >= 0.98, accessibility and best practices 1.0, cold weight <= 40 KB including htmx.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from portal.config import ROOT

BIN = Path(sys.executable).parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
PAGES = ["/{lang}/", "/{lang}/sessions", "/{lang}/sessions/{session_id}", "/{lang}/help"]
TARGETS = {"performance": 0.98, "accessibility": 1.0, "best-practices": 1.0}
MAX_BYTES = 40 * 1024


def _serve(workdir: Path) -> tuple[subprocess.Popen, str]:
    from bench.http_load import free_port

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{workdir / 'portal.db'}", "SECRET_KEY": "lighthouse-key",
           "PORTAL_INSTANCE_DIR": str(workdir / "instance"), "PORTAL_EMBEDDED_WORKER": "0",
           "PORTAL_OUTBOX_DIR": str(workdir / "outbox")}
    for command in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run([str(BIN / "flask"), "--app", "portal", *command], cwd=ROOT, env=env, check=True,
                       capture_output=True)
    port = free_port()
    server = subprocess.Popen([str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
                               "--no-control-socket", "--log-level", "warning", "portal:create_app()"],
                              cwd=ROOT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    return server, base


def _first_session_id(base: str) -> str:
    html = urllib.request.urlopen(base + "/en/sessions", timeout=10).read().decode()
    return re.search(r'href="/en/sessions/(\d+)"', html).group(1)


def audit(url: str, out: Path) -> dict:
    """One Lighthouse run (mobile, the default form factor); returns scores and the page weight."""
    for attempt in range(3):  # Chromium under load sometimes loses the trace (NO_NAVSTART): run it again
        done = subprocess.run([str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
                               "--only-categories=performance,accessibility,best-practices",
                               "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
                              env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=240)
        if done.returncode == 0:
            break
    else:
        raise RuntimeError(f"lighthouse failed three times on {url}")
    report = json.loads(out.read_text())
    scores = {name: report["categories"][name]["score"] for name in TARGETS}
    weight = report["audits"]["total-byte-weight"]["numericValue"]
    return {**scores, "bytes": int(weight)}


def main() -> int:
    """Audit every page in both languages; print a table; 1 when any target is missed."""
    if not LIGHTHOUSE.exists():
        sys.exit("lighthouse is not installed: run `npm ci` (it is pinned in package.json)")
    if not Path(CHROMIUM).exists():
        sys.exit(f"no Chromium at {CHROMIUM}: apt-get install chromium, or set CHROME_PATH")
    missed = []
    with tempfile.TemporaryDirectory() as tmp:
        server, base = _serve(Path(tmp))
        try:
            session_id = _first_session_id(base)
            print(f"{'page':28} {'perf':>5} {'a11y':>5} {'b.p.':>5} {'KB':>6}")
            for lang in ("en", "fr"):
                for page in PAGES:
                    path = page.format(lang=lang, session_id=session_id)
                    result = audit(base + path, Path(tmp) / "report.json")
                    ok = all(result[name] >= target for name, target in TARGETS.items()) and \
                        result["bytes"] <= MAX_BYTES
                    missed += [] if ok else [path]
                    print(f"{path:28} {result['performance']:5.2f} {result['accessibility']:5.2f} "
                          f"{result['best-practices']:5.2f} {result['bytes'] / 1024:6.1f}{'' if ok else '  MISSED'}",
                          flush=True)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    print("all targets met" if not missed else f"targets missed on {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
