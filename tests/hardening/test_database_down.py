"""Issue 14, when the database is down: a visitor carrying a member's cookie meets the friendly pages. Loading the
member fails soft (anonymous, logged); pages that need no data answer 200; others answer 503 in the right
language with 988/911 and Retry-After; error pages never touch the database; a database that accepts
connections but never answers holds no request for long (connect and statement timeouts)."""
from __future__ import annotations

import logging
import socket
import threading
import time

import pytest

from portal import create_app
import portal.config as portal_config
from portal.extensions import db as portal_db
from tests.signin import sign_in_client

CONNECT_TIMEOUT = 2  # seconds: libpq's minimum (it reads 1 as 2), so the black-hole tests stay short
NO_DATA_PAGES = ["/en/faq", "/fr/faq", "/en/account/login", "/fr/account/signup", "/en/help", "/fr/account/reset"]
DATA_PAGES = ["/en/", "/fr/", "/en/sessions", "/fr/sessions/1", "/en/sessions.ics"]
# Against a black hole each request waits out one connect timeout: a few pages of each kind say enough.
FEW = {"no_data": ["/fr/faq", "/en/account/login"], "data": ["/en/", "/fr/sessions/1"]}


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the with-block ends: nothing listens there


@pytest.fixture
def black_hole():
    """A listener that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def _accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=_accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def _down_client(tmp_path, database_url: str):
    config = portal_config.TestConfig(tmp_path)
    config.DATABASE_URL = database_url
    config.PORTAL_DB_CONNECT_TIMEOUT = CONNECT_TIMEOUT
    client = create_app(config).test_client()
    with client.session_transaction() as cookie:  # a member's cookie: the loader has to ask the database
        cookie["_user_id"] = "1:a-sign-in-key"
        cookie["_fresh"] = True
    return client


def _check_pages(client, caplog, *, budget: float, no_data=NO_DATA_PAGES, data=DATA_PAGES) -> None:
    for path in no_data:
        started = time.monotonic()
        with caplog.at_level(logging.WARNING):
            response = client.get(path)
        assert time.monotonic() - started < budget, path
        assert response.status_code == 200, path
        assert "Content-Security-Policy" in response.headers
    assert any("could not load the signed-in member" in r.getMessage() for r in caplog.records)
    for path in data:
        started = time.monotonic()
        response = client.get(path)
        assert time.monotonic() - started < budget, path
        assert response.status_code == 503, path
        assert response.headers["Retry-After"].isdigit()
        assert "Content-Security-Policy" in response.headers
        text = response.get_data(as_text=True)
        assert "988" in text and "911" in text
        lang = "fr" if path.startswith("/fr") else "en"
        if path.endswith(".ics"):
            continue
        assert f'<html lang="{lang}-CA">' in text
        assert ("Réessayez" in text or "réessayer" in text) if lang == "fr" else "try again" in text
    missing = client.get("/fr/no-such-page")
    assert missing.status_code == 404 and "988" in missing.get_data(as_text=True)


def test_a_closed_port(tmp_path, caplog):
    client = _down_client(tmp_path, f"postgresql://portal@127.0.0.1:{_closed_port()}/portal")
    _check_pages(client, caplog, budget=2 * CONNECT_TIMEOUT)


def test_a_black_hole_that_accepts_and_never_answers(tmp_path, caplog, black_hole):
    client = _down_client(tmp_path, f"postgresql://portal@127.0.0.1:{black_hole}/portal")
    # One wait for the connection per request at most: the loader's; the page then answers at once.
    _check_pages(client, caplog, budget=CONNECT_TIMEOUT + 1.5, no_data=FEW["no_data"], data=FEW["data"])


def test_sqlite_that_cannot_be_opened(tmp_path, caplog):
    client = _down_client(tmp_path, f"sqlite:///{tmp_path}/no/such/dir/portal.db")
    _check_pages(client, caplog, budget=2)


@pytest.mark.services
def test_postgresql_with_a_real_sign_in_then_a_black_hole(app_config, postgres_url, black_hole, caplog):
    from sqlmodel import SQLModel

    from portal.accounts.models import User
    from portal.extensions import utcnow

    app_config.DATABASE_URL = postgres_url
    app_config.PORTAL_DB_CONNECT_TIMEOUT = CONNECT_TIMEOUT
    app = create_app(app_config)
    with app.app_context():
        SQLModel.metadata.create_all(portal_db.engine)
        member = User(email="m@example.org", password_hash="-", first_name="M", last_name="T", cma_id="123456",
                      category="resident", province="ON", email_verified_at=utcnow())
        portal_db.session.add(member)
        portal_db.session.commit()
        member_id = member.id
    client = app.test_client()
    sign_in_client(app, client, member_id)
    assert client.get("/en/account").status_code == 200  # really signed in
    with app.app_context():
        portal_db.dispose()
    app.extensions["portal_db"]["url"] = f"postgresql://portal@127.0.0.1:{black_hole}/portal"
    _check_pages(client, caplog, budget=CONNECT_TIMEOUT + 1.5, no_data=FEW["no_data"], data=FEW["data"])
    with app.app_context():
        portal_db.dispose()


@pytest.mark.services
def test_postgresql_statement_timeout_ends_a_slow_query(app_config, postgres_url):
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    app_config.DATABASE_URL = postgres_url
    app_config.PORTAL_DB_STATEMENT_TIMEOUT_MS = 300
    app = create_app(app_config)
    with app.app_context():
        started = time.monotonic()
        with pytest.raises(OperationalError, match="statement timeout"):
            portal_db.session.exec(text("SELECT pg_sleep(5)"))
        assert time.monotonic() - started < 2
        portal_db.session.rollback()
        portal_db.dispose()
