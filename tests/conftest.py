"""Shared fixtures: a fresh app and database per test, factories, and service/browser gating."""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from itertools import count

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlmodel import SQLModel

from portal import create_app
from portal.config import TestConfig
from portal.extensions import db as portal_db
from portal.times import EASTERN
from tests.when import in_days

REQUIRE_ALL = os.environ.get("PORTAL_REQUIRE_ALL") == "1"


def pytest_report_header(config) -> str:
    """The clock the run sees (make test-clock moves it), so a failure report says what hour it was."""
    return f"clock: {datetime.now(timezone.utc).astimezone(EASTERN):%Y-%m-%d %H:%M %Z} (Eastern)"


def skip_or_fail(reason: str) -> None:
    """Skip a service or browser test with a reason, or fail it when PORTAL_REQUIRE_ALL=1 (CI)."""
    if REQUIRE_ALL:
        pytest.fail(f"PORTAL_REQUIRE_ALL=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture
def app_config(tmp_path):
    """The configuration for this test's app; tests may tweak it before `app` is built."""
    return TestConfig(tmp_path)


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own app context (its own `g` and database session), as in
    production. Without this, requests made while the `db` fixture holds an app context would share `g`, and
    with it Flask-Login's cached user and Flask-WTF's CSRF token, across requests and clients."""

    def open(self, *args, **kwargs):  # noqa: D102
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(app_config):
    """A fresh app over a fresh SQLite database, migrated to the models' schema."""
    application = create_app(app_config)
    application.test_client_class = IsolatedClient
    with application.app_context():
        SQLModel.metadata.create_all(portal_db.engine)
    yield application
    with application.app_context():
        portal_db.dispose()


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    """The database session of an app context that stays open for the test."""
    with app.app_context():
        yield portal_db.session


_numbers = count(1)


@pytest.fixture
def make_session(db):
    """Factory: a SupportSession starting at the exact instant `starts_at` (default: 7 days from now, to the
    microsecond; see tests/when.py for instants), lasting `minutes`. `places_taken` sets the confirmed count the
    listing shows (the registration feature keeps it in step with real registrations)."""
    from portal.sessions.models import SupportSession

    def _make(*, starts_at: datetime | None = None, minutes: int = 60, commit: bool = True, **fields):
        n = next(_numbers)
        starts = starts_at or in_days(7)
        values = dict(title_en=f"Session {n}", title_fr=f"Séance {n}", description_en=f"About session {n}.",
                      description_fr=f"À propos de la séance {n}.", format="peer_support", language="en",
                      moderator="Dr. Test Moderator", capacity=30, zoom_url=f"https://zoom.example.invalid/j/{n}",
                      topics=["stress"])
        values.update(fields)
        session = SupportSession(**values, starts_at=starts, ends_at=starts + timedelta(minutes=minutes))
        db.add(session)
        if commit:
            db.commit()
        return session

    return _make


@pytest.fixture
def make_user(db):
    """Factory: a verified member (or staff with is_staff=True)."""
    from argon2 import PasswordHasher

    from portal.accounts.models import User

    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    hashed = hasher.hash("correct horse battery staple")

    def _make(**fields):
        n = next(_numbers)
        values = dict(email=f"member{n}@example.org", password_hash=hashed, first_name=f"Member{n}",
                      last_name="Tester", cma_id=str(100000 + n), category="resident", province="ON",
                      locale="en", email_verified_at=datetime.now(timezone.utc))
        values.update(fields)
        user = User(**values)
        db.add(user)
        db.commit()
        return user

    return _make


@pytest.fixture
def login(app, client):
    """Sign a user in on the test client: a server-side sign-in row, named in the session cookie."""
    from tests.signin import sign_in_client

    def _login(user):
        sign_in_client(app, client, user.id)
        return user

    return _login


@pytest.fixture
def post(client):
    """POST a form the way a browser does: with the session's CSRF token (read from a page's meta tag)."""
    import re

    def _post(url: str, data: dict, **kwargs):
        lang = url.split("/")[1] if url.split("/")[1] in ("en", "fr") else "en"
        page = client.get(f"/{lang}/faq").get_data(as_text=True)
        found = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)  # signed-in pages carry it
        if found is None:  # a visitor's pages carry no token; a page with a form has one in the form
            page = client.get(f"/{lang}/account/login").get_data(as_text=True)
            found = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', page)
        token = found.group(1)
        return client.post(url, data={**data, "csrf_token": token}, **kwargs)

    return _post


@pytest.fixture
def query_counter(app):
    """Counts SQL statements run while the returned list is being collected."""
    statements: list[str] = []

    def _listen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = portal_db.engine
    event.listen(engine, "before_cursor_execute", _listen)
    yield statements
    event.remove(engine, "before_cursor_execute", _listen)


@pytest.fixture
def postgres_url():
    """A fresh, empty PostgreSQL database for this test (from PORTAL_TEST_DATABASE_URL), dropped afterwards."""
    base = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if not base:
        skip_or_fail("PORTAL_TEST_DATABASE_URL is not set (no PostgreSQL to test against)")
    import uuid

    import psycopg

    name = f"portal_test_{uuid.uuid4().hex[:12]}"
    admin_url = base.replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        skip_or_fail(f"PostgreSQL at PORTAL_TEST_DATABASE_URL is unreachable: {exc}")
    scheme, rest = admin_url.split("://", 1)
    host_part = rest.rsplit("/", 1)[0] if "/" in rest else rest
    yield f"{scheme}://{host_part}/{name}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def redis_url():
    """PORTAL_TEST_REDIS_URL, checked reachable and flushed before the test."""
    url = os.environ.get("PORTAL_TEST_REDIS_URL")
    if not url:
        skip_or_fail("PORTAL_TEST_REDIS_URL is not set (no Redis to test against)")
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=3)
    try:
        client.flushdb()
    except redis.ConnectionError as exc:
        skip_or_fail(f"Redis at PORTAL_TEST_REDIS_URL is unreachable: {exc}")
    yield url
    client.flushdb()
    client.close()


def chromium_path() -> str | None:
    """Debian's Chromium, if installed."""
    from quality.chromium import find_chromium

    return find_chromium()


# The quality harness (quality/): one demo site on localhost and one Chromium for the whole run. Feature tests
# use these too, for their own browser journeys.


@pytest.fixture(scope="session")
def quality_site(tmp_path_factory):
    """The real app, migrated and loaded with the demo programme, served on a free localhost port."""
    from quality.site import LiveServer, Site, build_app

    app, sample = build_app(tmp_path_factory.mktemp("quality-site"))
    with LiveServer(app) as server:
        yield Site(url=server.url, sample=sample, app=app)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright, launched once for every browser test (launching is the slow part)."""
    executable = chromium_path()
    if not executable:
        skip_or_fail("Chromium is not installed (apt-get install chromium): browser tests need /usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Playwright for Python is not installed (pip install -e '.[test]')")
    from quality.chromium import launch

    with sync_playwright() as playwright:
        chromium = launch(playwright, executable)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """Factory: a page in a fresh browser context (own cookies and settings, e.g. java_script_enabled=False)."""
    contexts = []

    def _new_page(**context_options):
        # The offline service worker saves 46 URLs when it installs: tests that are not about it block it, so each
        # page check costs what it did (tests/offline passes service_workers="allow").
        context_options.setdefault("service_workers", "block")
        context = browser.new_context(**context_options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    for context in contexts:
        context.close()


@pytest.fixture
def page_as(new_page, browser, quality_site):
    """Factory: a page in a fresh context on the harness site, signed in as a role of quality.site.ROLES ("member",
    "unverified", "staff") or anonymous for None. Each role signs in once per run, through the login form."""

    def _page_as(role: str | None, **context_options):
        if role is not None:
            context_options["storage_state"] = quality_site.storage_state(browser, role)
        return new_page(**context_options)

    return _page_as


@pytest.fixture
def no_js_page(new_page):
    """A page in a browser context with JavaScript disabled; afterwards, proof that no script ran."""
    page = new_page(java_script_enabled=False)
    scripts = []
    page.on("request", lambda request: scripts.append(request.url) if request.resource_type == "script" else None)
    yield page
    assert not scripts and page.evaluate("() => typeof window.htmx") == "undefined", "JavaScript ran"


@pytest.fixture(scope="session")
def nu_checker():
    """The W3C Nu checker's jar (npm vnu-jar), run with the system Java; skipped with a reason when either is missing."""
    from quality import nu

    if not nu.java():
        skip_or_fail("Java is not installed (apt-get install default-jre-headless): the Nu checker needs it")
    if not nu.VNU_JAR.exists():
        skip_or_fail(f"{nu.VNU_JAR} is missing: run `npm ci` (make install)")
    return nu.VNU_JAR



@pytest.fixture
def stub_broker(app):
    """A fresh in-memory Dramatiq broker whose actors run in this test's app (start a Worker to consume)."""
    from portal.notifications import tasks
    from portal.notifications.broker import setup_broker

    broker = setup_broker(None, fresh=True)
    tasks.use_app(app)
    yield broker
    broker.flush_all()
    tasks.use_app(None)


@pytest.fixture
def deliver_queued(stub_broker):
    """Run real Dramatiq worker threads on the stub broker until every queued email is handled, then stop them."""
    import dramatiq

    def _deliver(threads: int = 2) -> None:
        worker = dramatiq.Worker(stub_broker, worker_timeout=50, worker_threads=threads)
        worker.start()
        try:
            stub_broker.join("emails")
            worker.join()
        finally:
            worker.stop()

    return _deliver


@pytest.fixture
def smtp_server():
    """A real aiosmtpd SMTP server on a free port of this engineer's range (5300-5399 unless
    PORTAL_TEST_SMTP_PORTS="first-last" says otherwise). Not started until `.start()`: a test can first show
    what happens while nothing listens. Received messages are in `.messages`."""
    from tests.smtp_sink import ObservedSMTPSink

    sink = ObservedSMTPSink.on_free_port()
    yield sink
    sink.stop()
