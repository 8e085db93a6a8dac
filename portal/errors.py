"""Error pages in the visitor's language, each with the 'Get help now' line. A 500 never shows a traceback."""
from __future__ import annotations

from flask import Flask, current_app, g, render_template, request
from flask.globals import request_ctx
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.extensions import DatabaseUnavailable, db
from portal.i18n import LANGUAGES

# Failures that mean "the database is not answering": a retry in a moment will most likely work (503).
DATABASE_DOWN = (OperationalError, PoolTimeout, DatabaseUnavailable)

TITLES = {
    400: _l("Something in that request was not right"),
    403: _l("You do not have access to this page"),
    404: _l("We could not find that page"),
    405: _l("That action is not available here"),
    413: _l("That was more than the portal accepts"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
    503: _l("The portal is busy for a moment"),
}
EXPLANATIONS = {
    400: _l("The form may have expired. Go back, reload the page and try again; what you typed is still there "
            "in most browsers."),
    403: _l("If you think you should have access, sign in with the right account."),
    404: _l("The link may be old, or the page may have moved."),
    405: _l("Go back and use the page's own buttons and links."),
    413: _l("What you sent was too large. Shorten what you typed in the form and try again."),
    429: _l("Please wait a minute before trying again. This protects everyone's accounts."),
    500: _l("We have been told about it. Please try again in a few minutes."),
    503: _l("Nothing was changed. Please try again in a few seconds."),
}


def render_error(code: int):
    """The friendly error page for `code` in the visitor's language: (body, status).

    It needs neither the database (the header treats a visitor whose account cannot be loaded as anonymous) nor
    a URL adapter: a request with a malformed Host header has none, so one is bound here for building paths.
    """
    if "lang" not in g:
        first = request.path.strip("/").split("/", 1)[0]
        if first in LANGUAGES:
            g.lang = first
    if request_ctx.url_adapter is None:
        request_ctx.url_adapter = current_app.url_map.bind("localhost", script_name=request.root_path or "/",
                                                       url_scheme=request.scheme)
    return render_template("errors/error.html", code=code, title=TITLES[code], explanation=EXPLANATIONS[code]), code


def try_again_soon(_exc: Exception | None = None):
    """503 with Retry-After: a lock or a service did not answer in time, and a retry will most likely work."""
    body, code = render_error(503)
    return body, code, {"Retry-After": "5"}


def database_down(exc: Exception):
    """503 when the database does not answer: logged once, the friendly page with 988/911 and Retry-After."""
    current_app.logger.warning("Database unavailable on %s %s: %s", request.method, request.path,
                               type(exc).__name__)
    db.mark_unavailable(exc)  # the error page (and anything after) must not wait on it again
    body, code = render_error(503)
    return body, code, {"Retry-After": "30"}


def init_app(app: Flask) -> None:
    """Register friendly handlers for the errors people can meet."""

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        code = exc.code or 500
        if code not in TITLES:
            return exc
        response = render_error(code)
        if code == 405 and exc.valid_methods:
            return response[0], code, {"Allow": ", ".join(exc.valid_methods)}
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return _http_error(exc)
        if isinstance(exc, DATABASE_DOWN) or (isinstance(exc, DBAPIError) and exc.connection_invalidated):
            return database_down(exc)
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(InternalServerError.code)
