"""Growing past one machine (docs/deploy.md): 2 gunicorn instances, 2 Dramatiq worker processes and 1 clock on one
PostgreSQL and one Redis. 300 members register at once for a 30-place session, spread over both web instances:
exactly 30 are confirmed, and every member gets exactly one email of each kind at the SMTP server."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest

from portal.config import ROOT
from tests.smtp_sink import SMTPSink
from tests.when import in_days
from tests.worker.conftest import wait_until

pytestmark = [pytest.mark.services, pytest.mark.slow]
BIN = Path(sys.executable).parent
MEMBERS, PLACES = 300, 30


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: D102 - the 302 itself is the answer we check
        return None


def _start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as handle:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
                                start_new_session=True)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _up(url: str) -> bool:
    try:
        return urllib.request.urlopen(url, timeout=2).status == 200
    except OSError:
        return False


def _members_and_session(env: dict[str, str]) -> tuple[int, list[tuple[str, str, str]]]:
    """Create the session and the members; returns (session id, [(email, session cookie, CSRF token)]): each
    member's signed-in browser session, signed with the app's secret as Flask would sign it."""
    from flask import g, session as flask_session
    from flask_wtf.csrf import generate_csrf

    from portal import create_app
    import portal.accounts.signins as signins
    from portal.accounts.models import User
    from portal.config import Config
    from portal.extensions import db, utcnow
    from portal.sessions.models import SupportSession

    saved = dict(os.environ)
    os.environ.update(env)
    try:
        app = create_app(Config())
    finally:
        os.environ.clear()
        os.environ.update(saved)
    serializer = app.session_interface.get_signing_serializer(app)
    with app.app_context():
        starts = in_days(7)
        session = SupportSession(title_en="Burst", title_fr="Rafale", description_en="-", format="peer_support",
                                 moderator="-", capacity=PLACES, starts_at=starts, ends_at=starts + timedelta(hours=1),
                                 zoom_url="https://zoom.example.invalid/j/burst", status="scheduled")
        users = [User(email=f"burst{n}@example.org", password_hash="-", first_name="B", last_name=str(n),
                      cma_id=str(700000 + n), category="resident", province="ON", locale="en",
                      email_verified_at=utcnow()) for n in range(MEMBERS)]
        db.session.add_all([session, *users])
        db.session.commit()
        identities = [signins.start(db.session, user) for user in users]  # a real sign-in row per browser
        db.session.commit()
        browsers = []
        for user, identity in zip(users, identities):
            with app.test_request_context():
                g.pop("csrf_token", None)  # generate_csrf keeps its token in g, which the app context shares
                flask_session["_user_id"] = identity
                flask_session["_fresh"] = True
                token = generate_csrf()
                browsers.append((user.email, serializer.dumps(dict(flask_session)), token))
        session_id = session.id
        db.dispose()
    return session_id, browsers


def test_two_web_instances_two_workers_and_one_clock_share_one_session_fairly(tmp_path, postgres_url, redis_url,
                                                                              smtp_server):
    smtp_server.start()
    ports = [SMTPSink.on_free_port().port for _ in range(2)]
    while ports[0] == ports[1]:
        ports[1] = SMTPSink.on_free_port().port
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PORTAL_TEST", "PYTEST"))}
    env.update(DATABASE_URL=postgres_url, REDIS_URL=redis_url, SMTP_URL=smtp_server.url, SECRET_KEY="scale-out-test",
               PORTAL_INSTANCE_DIR=str(tmp_path / "instance"), PORTAL_BASE_URL="http://127.0.0.1",
               PORTAL_EMBEDDED_WORKER="0", PYTHONUNBUFFERED="1",
               PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    upgrade = subprocess.run([str(BIN / "flask"), "--app", "portal", "db", "upgrade"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120)
    assert upgrade.returncode == 0, upgrade.stderr
    session_id, browsers = _members_and_session(env)

    processes = []
    try:
        for n, port in enumerate(ports):
            processes.append(_start([str(BIN / "gunicorn"), "--workers", "2", "--threads", "4", "--bind",
                                     f"127.0.0.1:{port}", "--no-control-socket", "portal:create_app()"],
                                    env, tmp_path / f"web{n}.log"))
        for n in range(2):
            processes.append(_start([str(BIN / "dramatiq"), "worker.actors", "--processes", "1", "--threads", "4"],
                                    env, tmp_path / f"worker{n}.log"))
        processes.append(_start([str(BIN / "flask"), "--app", "portal", "clock"], env, tmp_path / "clock.log"))
        for port in ports:
            wait_until(lambda port=port: _up(f"http://127.0.0.1:{port}/healthz"), timeout=60, interval=0.5)

        opener = urllib.request.build_opener(_NoRedirect)

        def register(n: int) -> int:
            email, cookie, token = browsers[n]
            request = urllib.request.Request(
                f"http://127.0.0.1:{ports[n % 2]}/en/sessions/{session_id}/registration",
                data=urllib.parse.urlencode({"csrf_token": token}).encode(),
                headers={"Cookie": f"session={cookie}"}, method="POST")
            try:
                return opener.open(request, timeout=60).status
            except urllib.error.HTTPError as answer:
                return answer.code

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=40) as pool:
            statuses = Counter(pool.map(register, range(MEMBERS)))
        settled = time.monotonic() - started
        assert statuses == {302: MEMBERS}, statuses  # every one answered "done" (PRG), none refused or failed

        import psycopg

        with psycopg.connect(postgres_url) as conn:
            rows = dict(conn.execute("SELECT status, count(*) FROM registration WHERE session_id = %s "
                                     "GROUP BY status", (session_id,)).fetchall())
        assert rows == {"confirmed": PLACES, "waitlisted": MEMBERS - PLACES}, rows

        received = smtp_server.wait_for(MEMBERS, timeout=180)
        time.sleep(3)  # any duplicate would arrive now
        received = smtp_server.wait_for(MEMBERS, timeout=1)
        per_member = Counter((message.rcpt_tos[0], message.message["Subject"]) for message in received)
        assert len(received) == MEMBERS and set(per_member.values()) == {1}, per_member.most_common(3)
        assert {rcpt for rcpt, _subject in per_member} == {email for email, _c, _t in browsers}
        kinds = Counter(subject for _rcpt, subject in per_member)
        assert sorted(kinds.values()) == [PLACES, MEMBERS - PLACES], kinds
        print(f"300 registrations over 2 web instances settled in {settled:.2f} s")
    finally:
        for process in processes:
            _stop(process)
