"""The site the quality checks look at: the real app, migrated and loaded with the demo programme, on localhost.

It is built the way an operator builds one (`flask db upgrade`, `flask demo load` through the app's own CLI), then
given the states a page can be in that the demo lacks: a full session, a cancelled one, one with no French text.
A small probe blueprint raises each error code on purpose so that every error page can be visited.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import Blueprint, Flask, abort
from sqlmodel import Session, select
from werkzeug.serving import WSGIRequestHandler, make_server

from portal import create_app
from portal.config import TestConfig
from portal.extensions import db, utcnow
from portal.sessions.models import SupportSession

# Small pages, so that the demo programme spans several and pagination is exercised.
SESSIONS_PER_PAGE = 5
SAMPLE_KEYS = ("session_id", "full_session_id", "cancelled_session_id", "english_only_session_id")

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


def build_app(workdir: Path) -> tuple[Flask, dict[str, int]]:
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
    return app, sample


def _add_states(session: Session) -> dict[str, int]:
    """Sessions in the states the demo lacks; returns the ids the page specs refer to."""
    from portal.accounts.models import User
    from portal.registrations.models import Registration

    first = session.exec(select(SupportSession).order_by(SupportSession.starts_at)).first()
    states = {
        "full_session_id": dict(
            title_en="Night shifts and sleep", title_fr="Gardes de nuit et sommeil", capacity=1,
            description_en="How we protect sleep around night shifts.",
            description_fr="Comment protéger son sommeil autour des gardes de nuit.", topics=",stress,"),
        "cancelled_session_id": dict(
            title_en="Parenting in residency", title_fr="Être parent pendant la résidence", status="cancelled",
            description_en="Balancing training and young children.",
            description_fr="Concilier la formation et de jeunes enfants.", topics=",learners,"),
        "english_only_session_id": dict(
            title_en="Writing as reflection", title_fr="", description_en="Short reflective writing together.",
            description_fr="", topics=",self_care,"),
    }
    extra = {}
    for n, (key, fields) in enumerate(states.items()):
        starts = first.starts_at + timedelta(days=1 + n, hours=1)
        extra[key] = SupportSession(**fields, format="peer_support", language="en", moderator="Dr. Amir Haddad",
                                    starts_at=starts, ends_at=starts + timedelta(hours=1),
                                    zoom_url="https://zoom.example.invalid/j/1")
        session.add(extra[key])
    member = User(email="quality@example.org", password_hash="!",  # cannot sign in
                  first_name="Quality", last_name="Harness", cma_id="999001", category="resident", province="ON",
                  email_verified_at=utcnow())
    session.add(member)
    session.flush()
    session.add(Registration(session_id=extra["full_session_id"].id, user_id=member.id, status="confirmed"))
    session.commit()
    return {"session_id": first.id, **{key: item.id for key, item in extra.items()}}


class _QuietRequestHandler(WSGIRequestHandler):
    """No access log on the console: test output stays readable."""

    def log_request(self, *args, **kwargs) -> None:  # noqa: D102
        pass


class LiveServer:
    """Serve an app on a free localhost port from a background thread; a context manager."""

    def __init__(self, app: Flask, host: str = "127.0.0.1") -> None:
        self._server = make_server(host, 0, app, threaded=True, request_handler=_QuietRequestHandler)
        self.url = f"http://{host}:{self._server.server_port}"
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
    """A served harness site: its base URL, the sample ids page specs refer to, and the app itself."""

    url: str
    sample: dict[str, int]
    app: Flask

    def url_for(self, spec, lang: str) -> str:
        """The absolute URL of a page spec (quality.pages) in one language."""
        return self.url + spec.url_path(lang, self.sample)
