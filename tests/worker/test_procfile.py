"""The Procfile works: `honcho start` runs web (gunicorn), worker (dramatiq) and clock on PostgreSQL and Redis,
and a sign-up over HTTP gets its verification email through SMTP."""
from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from portal.config import ROOT
from tests.smtp_sink import SMTPSink
from tests.worker.conftest import wait_until

pytestmark = [pytest.mark.services, pytest.mark.slow]
BIN = Path(sys.executable).parent


def _http_ok(opener, url: str) -> bool:
    try:
        return opener.open(url, timeout=2).status == 200
    except OSError:
        return False


def test_honcho_start_serves_and_delivers_a_signup_verification(tmp_path, postgres_url, redis_url, smtp_server):
    smtp_server.start()
    port = SMTPSink.on_free_port().port  # a free port of our range for the web process
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PORTAL_TEST", "PYTEST"))}
    env.update(DATABASE_URL=postgres_url, REDIS_URL=redis_url, SMTP_URL=smtp_server.url, SECRET_KEY="procfile-test",
               PORTAL_INSTANCE_DIR=str(tmp_path / "instance"), PORTAL_BASE_URL=f"http://127.0.0.1:{port}",
               PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", PYTHONUNBUFFERED="1")
    upgrade = subprocess.run([str(BIN / "flask"), "--app", "portal", "db", "upgrade"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120)
    assert upgrade.returncode == 0, upgrade.stderr
    log = tmp_path / "honcho.log"
    with log.open("wb") as handle:
        honcho = subprocess.Popen([str(BIN / "honcho"), "start", "-f", "Procfile", "-p", str(port), "--no-colour"],
                                  cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: _http_ok(opener, base + "/healthz"), timeout=60, interval=0.5)
        page = opener.open(base + "/fr/account/signup", timeout=10).read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        form = dict(csrf_token=token, first_name="Procfile", last_name="Test", email="procfile@example.org",
                    password="honcho runs three processes", cma_id="24681357", category="fellow", province="NB",
                    locale="fr", accept_rules="y")
        response = opener.open(base + "/fr/account/signup", data=urllib.parse.urlencode(form).encode(), timeout=30)
        assert response.status == 200 and response.url.endswith("/fr/account/check-email")
        try:
            [received] = smtp_server.wait_for(1, timeout=90)
        except AssertionError:
            pytest.fail("no email through the Procfile's worker:\n" + log.read_text(errors="replace"))
        assert received.rcpt_tos == ["procfile@example.org"]
        assert received.message["Subject"] == "Confirmez votre adresse courriel"
        link = re.search(rf"{re.escape(base)}/fr/account/verify/\S+",
                         received.message.get_body(("plain",)).get_content()).group(0)
        assert opener.open(link, timeout=10).url.startswith(base + "/fr/account/login")
        output = log.read_text(errors="replace")
        assert "web.1" in output and "worker.1" in output and "clock.1" in output
    finally:
        os.killpg(honcho.pid, signal.SIGTERM)
        try:
            honcho.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(honcho.pid, signal.SIGKILL)
            honcho.wait(timeout=10)
