"""Error pages in the visitor's language, each with the 'Get help now' line. A 500 never shows a traceback."""
from __future__ import annotations

from flask import Flask, g, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.i18n import LANGUAGES

TITLES = {
    400: _l("Something in that request was not right"),
    403: _l("You do not have access to this page"),
    404: _l("We could not find that page"),
    405: _l("That action is not available here"),
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
    429: _l("Please wait a minute before trying again. This protects everyone's accounts."),
    500: _l("We have been told about it. Please try again in a few minutes."),
    503: _l("Nothing was changed. Please try again in a few seconds."),
}


def render_error(code: int):
    """The friendly error page for `code` in the visitor's language: (body, status)."""
    if "lang" not in g:
        first = request.path.strip("/").split("/", 1)[0]
        if first in LANGUAGES:
            g.lang = first
    return render_template("errors/error.html", code=code, title=TITLES[code], explanation=EXPLANATIONS[code]), code


def try_again_soon(_exc: Exception | None = None):
    """503 with Retry-After: a lock or a service did not answer in time, and a retry will most likely work."""
    body, code = render_error(503)
    return body, code, {"Retry-After": "5"}


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
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(InternalServerError.code)
