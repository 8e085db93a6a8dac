"""Requests per second through gunicorn, measured as the outside check measures them.

Each app is served by `gunicorn -w 2` (sync workers) and loaded by `wrk -t2 -c10 -d10s --latency`, target after
target, in interleaved rounds, so every figure is a ratio to a bare Flask "hello" served by the same gunicorn in
the same round. The apps: the portal with 1,000 upcoming sessions and 500 gratitude stories (SQLite; its page
cache in Redis when BENCH_REDIS_URL or PORTAL_TEST_REDIS_URL names one, whose database is flushed), and two peers
written here in the shape of Flask's tutorial (bench/peers/blog.py, an index of 20 posts) and of the htmx book's
contact app (bench/peers/contacts.py, `/contacts`): written for the benchmark, not copied.

    .venv/bin/python -m bench.http_load            # BENCH_SECONDS=10 BENCH_ROUNDS=3 by default

Needs wrk (Debian package `wrk`).
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from portal.config import ROOT

BIN = Path(sys.executable).parent
SESSIONS = 1000
STORIES = 500
MEMBER = ("bench.member@example.org", "a long bench passphrase, never used elsewhere")
# The member's browser: it signs in and then loads the feed with the same User-Agent, as a browser does (the
# session's protection compares it, and a request from another one is answered as a stranger's would be).
BROWSER = "Mozilla/5.0 (portal bench)"


@dataclass
class Target:
    """One URL to load: which server, which path, which headers."""

    label: str
    server: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    rps: list[float] = field(default_factory=list)
    p99_ms: list[float] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)


TARGETS = [
    Target("hello (bare Flask route)", "hello", "/"),
    Target("/en/sessions", "portal", "/en/sessions"),
    Target("/en/sessions htmx fragment", "portal", "/en/sessions", {"HX-Request": "true"}),
    Target("/en/sessions/1", "portal", "/en/sessions/1"),
    Target("/en/", "portal", "/en/"),
    Target("/en/help", "portal", "/en/help"),
    Target(f"/en/gratitude (member, {STORIES} stories)", "portal", "/en/gratitude"),
    Target("peer: blog index, 20 posts (flaskr's shape)", "blog", "/"),
    Target("peer: /contacts (contact app's shape)", "contacts", "/contacts"),
]


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cache_redis_url() -> str | None:
    """The Redis the portal's cache uses in the bench (BENCH_REDIS_URL, else PORTAL_TEST_REDIS_URL; its database
    is flushed), or None: the cache is then in each worker's memory, and a member's pages are not kept."""
    return os.environ.get("BENCH_REDIS_URL") or os.environ.get("PORTAL_TEST_REDIS_URL") or None


def _prepare_portal(workdir: Path) -> dict[str, str]:
    """A migrated SQLite database with SESSIONS upcoming sessions; returns the environment to serve it."""
    from portal import create_app
    from portal.config import TestConfig
    from portal.extensions import db, utcnow

    env = {"DATABASE_URL": f"sqlite:///{workdir / 'portal.db'}", "SECRET_KEY": "bench-secret-key",
           "PORTAL_INSTANCE_DIR": str(workdir / "instance"), "PORTAL_EMBEDDED_WORKER": "0",
           "PORTAL_OUTBOX_DIR": str(workdir / "outbox")}
    redis_url = cache_redis_url()
    if redis_url:  # as deployed: the page cache (and the limiter) in Redis, shared by the workers
        import redis

        redis.Redis.from_url(redis_url).flushdb()
        env["REDIS_URL"] = redis_url
    config = TestConfig(workdir)
    config.DATABASE_URL = env["DATABASE_URL"]
    app = create_app(config)
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    if result.exit_code != 0:
        raise RuntimeError(result.output)
    with app.app_context():
        db.session.add_all(upcoming_sessions(SESSIONS))
        _add_stories(utcnow())
        db.session.commit()
        db.dispose()
    return env


def _add_stories(now) -> None:
    """STORIES approved gratitude stories by 50 members, and the verified member the bench signs in as."""
    from portal.accounts.models import User
    from portal.accounts.passwords import hash_password
    from portal.extensions import db
    from portal.gratitude.models import GratitudePost

    authors = [User(email=f"author{i}@example.org", password_hash="!", first_name=f"Author{i}", last_name="Bench",
                    cma_id=str(30_000_000 + i), category="resident", province="ON", email_verified_at=now)
               for i in range(50)]
    member = User(email=MEMBER[0], password_hash=hash_password(MEMBER[1]), first_name="Bench", last_name="Member",
                  cma_id="39999999", category="resident", province="ON", email_verified_at=now)
    db.session.add_all([*authors, member])
    db.session.flush()
    for n in range(STORIES):
        written = now - timedelta(hours=n + 1)
        db.session.add(GratitudePost(
            author_id=authors[n % len(authors)].id, body=f"Story {n}. Thank you to the night team. " * 6,
            display="anonymous" if n % 3 == 0 else "first_name", lang="en", status="approved",
            appreciation_count=n % 7, created_at=written, approved_at=written))


def sign_in(port: int) -> str:
    """Sign the bench member in through the real form; returns the Cookie header a signed-in browser sends."""
    import http.cookiejar
    import urllib.parse

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", BROWSER)]
    login = f"http://127.0.0.1:{port}/en/account/login"
    page = opener.open(login, timeout=10).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = {"email": MEMBER[0], "password": MEMBER[1], "csrf_token": token}
    opener.open(urllib.request.Request(login, data=urllib.parse.urlencode(form).encode()), timeout=10).read()
    feed = opener.open(f"http://127.0.0.1:{port}/en/gratitude", timeout=10)
    if feed.url.rstrip("/").endswith("/login") or "Sign out" not in feed.read().decode():
        raise RuntimeError("the bench member could not sign in")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def upcoming_sessions(count: int) -> list:
    """`count` published sessions, one every three hours from tomorrow (the portal side of every bench)."""
    from portal.extensions import utcnow
    from portal.sessions.models import SupportSession

    now = utcnow()
    return [SupportSession(
        title_en=f"Session {n}", title_fr=f"Séance {n}", description_en="About this session. " * 10,
        description_fr="À propos de cette séance. " * 10, format="peer_support", topics=["stress"], language="en",
        moderator="Dr. Bench", starts_at=now + timedelta(days=1, hours=n * 3),
        ends_at=now + timedelta(days=1, hours=n * 3 + 1), zoom_url="https://zoom.example.invalid/j/1")
        for n in range(count)]


def _serve(app_path: str, env: dict[str, str], log: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", "--no-control-socket",
               "--log-level", "warning", app_path]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=log.open("wb"),
                               stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                break
        except OSError as exc:
            if getattr(exc, "code", None):  # an HTTP error status: the server answers
                break
            time.sleep(0.2)
    else:
        raise RuntimeError(f"{app_path} did not start:\n{log.read_text(errors='replace')}")
    return process, port


_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
_P99 = re.compile(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def load(url: str, headers: dict[str, str], seconds: int) -> tuple[float, float]:
    """(requests per second, p99 latency in ms) from one wrk run; fails on socket errors or non-2xx answers."""
    command = ["wrk", "-t2", "-c10", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise RuntimeError(f"wrk saw errors on {url}:\n{output}")
    p99 = _P99.search(output)
    return float(_RPS.search(output).group(1)), float(p99.group(1)) * _UNITS[p99.group(2)]


def main() -> None:
    """Serve every app, load every target in interleaved rounds, print the table of ratios."""
    if shutil.which("wrk") is None:
        sys.exit("http_load: wrk is not installed. It is Debian's package `wrk`: apt-get install -y wrk")
    seconds, rounds = int(os.environ.get("BENCH_SECONDS", "10")), int(os.environ.get("BENCH_ROUNDS", "3"))
    from bench.peers.blog import create_database
    from bench.peers.contacts import write_contacts

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        create_database(str(workdir / "blog.db"))
        write_contacts(str(workdir / "contacts.json"))
        apps = {"hello": ("bench.peers.hello:app", {}),
                "blog": ("bench.peers.blog:app", {"BLOG_DATABASE": str(workdir / "blog.db")}),
                "contacts": ("bench.peers.contacts:app", {"CONTACTS_FILE": str(workdir / "contacts.json")}),
                "portal": ("portal:create_app()", _prepare_portal(workdir))}
        servers = {}
        try:
            for name, (app_path, env) in apps.items():
                servers[name] = _serve(app_path, env, workdir / f"{name}.log")
            member_cookie = sign_in(servers["portal"][1])
            for target in TARGETS:
                if target.path == "/en/gratitude":
                    target.headers.update({"Cookie": member_cookie, "User-Agent": BROWSER})
            for round_number in range(1, rounds + 1):
                for target in TARGETS:
                    rps, p99 = load(f"http://127.0.0.1:{servers[target.server][1]}{target.path}", target.headers,
                                    seconds)
                    target.rps.append(rps)
                    target.p99_ms.append(p99)
                hello = TARGETS[0].rps[-1]
                for target in TARGETS:
                    target.ratios.append(target.rps[-1] / hello)
                print(f"round {round_number}: hello {hello:.0f} req/s", flush=True)
        finally:
            for process, _port in servers.values():
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
    print(f"\n{'target':46} {'req/s ÷ hello  min / median / max':>36} {'req/s':>8} {'p99 ms':>8}")
    for target in TARGETS:
        low, mid, high = min(target.ratios), statistics.median(target.ratios), max(target.ratios)
        print(f"{target.label:46} {low:12.2f} / {mid:6.2f} / {high:6.2f} {statistics.median(target.rps):10.0f} "
              f"{statistics.median(target.p99_ms):8.1f}")
    print(f"\ngunicorn -w 2 (sync, --no-control-socket), wrk -t2 -c10 -d{seconds}s, {rounds} interleaved rounds, "
          f"{SESSIONS} sessions in the portal (SQLite), its cache "
          f"{'in Redis' if cache_redis_url() else 'in each worker (no BENCH_REDIS_URL or PORTAL_TEST_REDIS_URL)'}. "
          "The peers are written by this bench (bench/peers/, in the "
          "shape of flaskr and of the htmx book's contact app), not fetched. Load average at the end: "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (figures are only comparable on an idle machine).")


if __name__ == "__main__":
    main()
