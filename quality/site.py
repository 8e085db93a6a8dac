"""The site the quality checks look at: the real app, migrated and loaded with the demo programme, on localhost.

It is built the way an operator builds one (`flask db upgrade`, `flask demo load` through the app's own CLI), then
given the states a page can be in that the demo lacks: a full session, a cancelled one, one with no French text.
A small probe blueprint raises each error code on purpose so that every error page can be visited.

Three accounts with known passwords let the checks see signed-in pages (ROLES): a verified member, a member who
has not confirmed the address yet, and staff. They are made through the accounts code (argon2 hashing), and a
browser signs in through the real login form (quality.signin).
"""
from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from unittest import mock

from flask import Blueprint, Flask, abort, redirect, url_for
from sqlmodel import Session, select
from werkzeug.serving import WSGIRequestHandler, make_server

from portal import create_app
from portal.config import TestConfig
from portal.accounts.models import User
from portal.extensions import db, utcnow
from portal.sessions.models import SupportSession

# Small pages, so that the demo programme spans several and pagination is exercised.
SESSIONS_PER_PAGE = 5
SAMPLE_KEYS = ("session_id", "full_session_id", "cancelled_session_id", "english_only_session_id", "draft_session_id",
               "reset_token", "expired_verify_token", "used_verify_token", "login_token", "cma_taken_verify_token",
               "survey_token", "used_survey_token", "expired_survey_token")

# The accounts page specs sign in as (quality.pages.Page.role): role -> (email, password).
MEMBER_EMAIL, MEMBER_PASSWORD = "quality@example.org", "quality member password"
UNVERIFIED_EMAIL, UNVERIFIED_PASSWORD = "unverified@example.org", "quality unverified password"
STAFF_EMAIL, STAFF_PASSWORD = "staff@example.org", "quality staff password"
ROLES: dict[str, tuple[str, str]] = {
    "member": (MEMBER_EMAIL, MEMBER_PASSWORD),
    "unverified": (UNVERIFIED_EMAIL, UNVERIFIED_PASSWORD),
    "staff": (STAFF_EMAIL, STAFF_PASSWORD),
}
_fresh_accounts = itertools.count(1)

probe = Blueprint("quality_probe", __name__, url_prefix="/<lang:lang>/_quality")


@probe.get("/error/<int:code>")
def raise_error(code: int):
    """Answer with the error page for `code`; 500 comes from a real unhandled exception."""
    if code == 500:
        raise RuntimeError("quality harness: a deliberate failure to show the 500 page")
    abort(code)


@probe.post("/csrf")
def csrf_protected():
    """A state-changing request that only passes with the CSRF token (htmx sends it as X-CSRFToken)."""
    return "accepted"


@probe.get("/fresh-verify-link")
def fresh_verify_link():
    """A new unconfirmed account, and a redirect to its verification link: the "link worked" page, every time.

    A verification link works once, and the checks visit that page several times (each language, each check).
    """
    from portal.accounts.passwords import hash_password
    from portal.accounts.tokens import make_verify_token

    n = next(_fresh_accounts)
    user = User(email=f"fresh-{n}@example.org", password_hash=hash_password(f"fresh account {n} password"),
                first_name="Fresh", last_name=str(n), cma_id=f"7{n:07d}", category="resident", province="NS")
    db.session.add(user)
    db.session.commit()
    return redirect(url_for("accounts.verify", token=make_verify_token(user)))


def build_app(workdir: Path) -> tuple[Flask, dict[str, object]]:
    """The portal over a fresh SQLite database in `workdir`, with the demo loaded; returns (app, sample ids)."""
    config = TestConfig(Path(workdir))
    config.SESSIONS_PER_PAGE = SESSIONS_PER_PAGE
    app = create_app(config)
    app.register_blueprint(probe)
    runner = app.test_cli_runner()
    for command in (["db", "upgrade"], ["demo", "load"]):
        result = runner.invoke(args=command)
        if result.exit_code != 0:
            raise RuntimeError(f"flask {' '.join(command)} failed: {result.output}")
    with app.app_context():
        sample = _add_states(db.session)
        sample.update(_add_accounts(db.session))
        sample.update(_add_surveys(db.session))
        sample.update(_add_gratitude(db.session))
    return app, sample


def _add_states(session: Session) -> dict[str, int]:
    """Sessions in the states the demo lacks; returns the ids the page specs refer to."""
    from portal.accounts.cli import create_verified_user
    from portal.registrations.models import Registration

    first = session.exec(select(SupportSession).order_by(SupportSession.starts_at)).first()
    states = {
        "full_session_id": dict(
            title_en="Night shifts and sleep", title_fr="Gardes de nuit et sommeil", capacity=1,
            description_en="How we protect sleep around night shifts.",
            description_fr="Comment protéger son sommeil autour des gardes de nuit.", topics=["stress"]),
        "cancelled_session_id": dict(
            title_en="Parenting in residency", title_fr="Être parent pendant la résidence", status="cancelled",
            description_en="Balancing training and young children.",
            description_fr="Concilier la formation et de jeunes enfants.", topics=["learners"]),
        "draft_session_id": dict(
            title_en="Returning to work after leave", title_fr="", status="draft",
            description_en="For colleagues coming back after a leave of any kind.", description_fr="",
            topics=["career"]),
        "english_only_session_id": dict(
            title_en="Writing as reflection", title_fr="", description_en="Short reflective writing together.",
            description_fr="", topics=["self_care"]),
    }
    extra = {}
    for n, (key, fields) in enumerate(states.items()):
        starts = first.starts_at + timedelta(days=1 + n, hours=1)
        extra[key] = SupportSession(**fields, format="peer_support", language="en", moderator="Dr. Amir Haddad",
                                    moderator_fr="Dr Amir Haddad", starts_at=starts, ends_at=starts + timedelta(hours=1),
                                    zoom_url="https://zoom.example.invalid/j/1")
        session.add(extra[key])
    member = create_verified_user(email=MEMBER_EMAIL, password=MEMBER_PASSWORD, first_name="Quality",
                                  last_name="Harness", cma_id="999001", category="resident", province="ON")
    session.flush()
    session.add(Registration(session_id=extra["full_session_id"].id, user_id=member.id, status="confirmed"))
    extra["full_session_id"].places_taken = 1  # what registering (registrations.services) keeps in step
    session.commit()
    return {"session_id": first.id, **{key: item.id for key, item in extra.items()}}


def _add_accounts(session: Session) -> dict[str, str]:
    """The unverified and staff accounts, a failed and a pending email in the outbox, and link tokens in each
    state (a working reset link, a spent and an expired verification link); returns the tokens."""
    from itsdangerous.timed import TimestampSigner

    from portal.accounts import emails, tokens
    from portal.accounts.cli import create_verified_user
    from portal.notifications.models import Notification

    member = session.exec(select(User).where(User.email == MEMBER_EMAIL)).one()
    unverified = create_verified_user(email=UNVERIFIED_EMAIL, password=UNVERIFIED_PASSWORD, first_name="Camille",
                                      last_name="Tremblay", cma_id="999002", category="medical_student",
                                      province="QC", locale="fr")
    unverified.email_verified_at = None
    create_verified_user(email=STAFF_EMAIL, password=STAFF_PASSWORD, first_name="Quality", last_name="Staff",
                         cma_id="999003", province="ON", staff=True)
    session.add(Notification(kind=emails.PASSWORD_RESET, recipient_email="someone@example.org", status="failed",
                             attempts=5, last_error="SMTPRecipientsRefused: 550 5.1.1 mailbox unavailable",
                             dedupe_key="quality:failed"))
    session.add(Notification(kind=emails.VERIFY_EMAIL, recipient_email="later@example.org", attempts=1,
                             last_error="ConnectionRefusedError: [Errno 111] Connection refused",
                             due_at=utcnow() + timedelta(minutes=5), dedupe_key="quality:pending"))
    session.commit()
    three_days_ago = int(time.time()) - 3 * 24 * 3600
    with mock.patch.object(TimestampSigner, "get_timestamp", lambda _signer: three_days_ago):
        expired = tokens.make_verify_token(unverified)
    # An unconfirmed account created with the member's CMA ID: its verification link is refused, every time.
    squatter = create_verified_user(email="squatter@example.org", password="quality squatter password",
                                    first_name="Sam", last_name="Squatter", cma_id=member.cma_id, province="ON")
    squatter.email_verified_at = None  # before any flush: the CMA ID is unique among confirmed accounts only
    session.commit()
    return {"reset_token": tokens.make_reset_token(member), "expired_verify_token": expired,
            "used_verify_token": tokens.make_verify_token(member), "login_token": tokens.make_login_token(member),
            "cma_taken_verify_token": tokens.make_verify_token(squatter)}


def _add_surveys(session: Session) -> dict[str, str]:
    """A session held last week with survey links in each state (open, used, expired) and answers: 5 to it (shown
    to staff) and 2 to another (hidden); returns the tokens."""
    from portal.surveys.invitations import eastern_day, hash_token
    from portal.surveys.models import SurveyInvitation, SurveyResponse

    held = []
    for days, title in ((7, ("Peer support: a hard week", "Soutien par les pairs\u00a0: une semaine difficile")),
                        (8, ("Drop-in: end of term", "Rencontre libre\u00a0: fin de session"))):
        starts = utcnow() - timedelta(days=days)
        held.append(SupportSession(title_en=title[0], title_fr=title[1], description_en="A session held already.",
                                   description_fr="Une séance déjà tenue.", format="peer_support", language="en",
                                   moderator="Dr. Amir Haddad", moderator_fr="Dr Amir Haddad", starts_at=starts,
                                   ends_at=starts + timedelta(hours=1), topics=["stress"]))
    session.add_all(held)
    session.flush()
    today = eastern_day(utcnow())
    tokens = {"survey_token": "q" * 43, "used_survey_token": "u" * 43, "expired_survey_token": "e" * 43}
    for key, token in tokens.items():
        session.add(SurveyInvitation(token_hash=hash_token(token), session_id=held[0].id, used=key.startswith("used"),
                                     expires_on=today - timedelta(days=1) if key.startswith("expired")
                                     else today + timedelta(days=7)))
    comments = ("The group felt safe.", "Le groupe m’a fait du bien.", "", "More time for questions, please.", "")
    for n, comment in enumerate(comments):
        session.add(SurveyResponse(session_id=held[0].id, supported=5 - n % 2, facilitation=4, come_again=None,
                                   recommend=(n % 5) + 1, comment=comment, submitted_on=today))
    for n in range(2):
        session.add(SurveyResponse(session_id=held[1].id, supported=3, comment="Hidden", submitted_on=today))
    session.commit()
    return tokens


def _read_and_close(file, _block_size: int = 8192) -> list[bytes]:
    """A `wsgi.file_wrapper` that reads the (small, static) file at once and closes it. Werkzeug's dev server does
    not close a response's iterator when the browser drops the connection mid-write (a page closed while its
    favicon loads), which would leave the file open for the garbage collector to complain about."""
    try:
        return [file.read()]
    finally:
        file.close()


class _QuietRequestHandler(WSGIRequestHandler):
    """No access log on the console (test output stays readable); static files read whole (see _read_and_close)."""

    def log_request(self, *args, **kwargs) -> None:  # noqa: D102
        pass

    def make_environ(self):  # noqa: D102
        environ = super().make_environ()
        environ["wsgi.file_wrapper"] = _read_and_close
        return environ


class LiveServer:
    """Serve an app on a free localhost port from a background thread; a context manager."""

    def __init__(self, app: Flask, host: str = "127.0.0.1") -> None:
        self._server = make_server(host, 0, app, threaded=True, request_handler=_QuietRequestHandler)
        self.url = f"http://{host}:{self._server.server_port}"
        app.config["PORTAL_BASE_URL"] = self.url  # links in emails lead back to this server
        self._thread = threading.Thread(target=self._server.serve_forever, name="quality-live-server", daemon=True)

    def __enter__(self) -> LiveServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@dataclass
class Site:
    """A served harness site: its base URL, the sample ids page specs refer to, and the app itself.

    It remembers one signed-in browser state and one signed-in test client per role, so each role signs in once
    per run (argon2 and a page load per sign-in would add up over a hundred pages).
    """

    url: str
    sample: dict[str, object]
    app: Flask
    _states: dict = field(default_factory=dict, repr=False)
    _clients: dict = field(default_factory=dict, repr=False)

    def url_for(self, spec, lang: str) -> str:
        """The absolute URL of a page spec (quality.pages) in one language."""
        return self.url + spec.url_path(lang, self.sample)

    def storage_state(self, browser, role: str) -> dict:
        """Cookies of a browser signed in as `role` (through the login form), for `browser.new_context(storage_state=)`."""
        from quality.signin import sign_in_browser

        if role not in self._states:
            self._states[role] = sign_in_browser(browser, self.url, *ROLES[role])
        return self._states[role]

    def client(self, role: str | None = None):
        """A Flask test client, signed in as `role` by posting the login form (anonymous when role is None)."""
        from quality.signin import sign_in_client

        if role not in self._clients:
            client = self.app.test_client()
            if role is not None:
                sign_in_client(client, *ROLES[role])
            self._clients[role] = client
        return self._clients[role]


# ---- Gratitude space (issue 11) ----
def _add_gratitude(session: Session) -> dict[str, int]:
    """Stories in every state the pages show: more approved ones than a page holds (so "Show more" appears), one
    of the member's own waiting for moderation, one that signals distress, one reported and hidden, a log entry."""
    from portal.gratitude.models import Flag, GratitudePost, ModerationAction

    member = session.exec(select(User).where(User.email == MEMBER_EMAIL)).one()
    staff = session.exec(select(User).where(User.email == STAFF_EMAIL)).one()
    now = utcnow()
    approved = [GratitudePost(author_id=staff.id if n % 2 else member.id, lang="fr" if n % 3 == 0 else "en",
                              display="anonymous" if n % 4 == 0 else "first_name", status="approved",
                              body=(f"Merci à l'équipe de l'étage {n}.\n\nUn café partagé a tout changé."
                                    if n % 3 == 0 else f"Thank you to the night team on ward {n}.\n\n"
                                    "A shared coffee changed my whole shift."),
                              created_at=now - timedelta(hours=n + 1), approved_at=now - timedelta(hours=n + 1),
                              appreciation_count=n % 3) for n in range(24)]
    waiting = GratitudePost(author_id=member.id, status="pending", lang="en", created_at=now - timedelta(minutes=5),
                            body="My own story, waiting for a moderator to read it.")
    urgent = GratitudePost(author_id=member.id, status="pending", lang="fr", urgent=True,
                           created_at=now - timedelta(minutes=30),
                           body="Merci à ma collègue. Certains soirs, je n'en peux plus.")
    hidden = GratitudePost(author_id=staff.id, status="hidden", lang="en", open_reports=3,
                           created_at=now - timedelta(days=2), reported_at=now - timedelta(days=1),
                           body="A story three members reported.")
    session.add_all([*approved, waiting, urgent, hidden])
    session.flush()
    session.add(Flag(post_id=hidden.id, reporter_id=member.id, reason="unkind"))
    session.add(ModerationAction(post_id=hidden.id, action="hidden_by_reports", created_at=now - timedelta(days=1)))
    session.add(ModerationAction(actor_id=staff.id, post_id=approved[0].id, action="approved", created_at=now))
    session.commit()
    return {"story_id": approved[0].id, "post_id": approved[0].id}
# ---- end of gratitude space ----
