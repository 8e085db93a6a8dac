"""Error pages 400, 403, 404, 405, 429 and 500 in the visitor's language, each with "Get help now" and the
988 / 911 line; a 500 never shows a traceback."""
from __future__ import annotations

import logging

import pytest
from flask import Blueprint

from portal.errors import TITLES
from portal.extensions import limiter
from portal.i18n import LANGUAGES
from quality.pages import ERROR_CODES
from quality.site import probe

GET_HELP = {"en": "Get help now", "fr": "Obtenir de l'aide maintenant"}
CRISIS = {"en": "call or text 988", "fr": "988"}

limited = Blueprint("limited_probe", __name__, url_prefix="/<lang:lang>/_limited")


@limited.get("/")
@limiter.limit("1 per minute")
def once_a_minute():
    """A route with a tight limit, to meet the 429 page."""
    return "ok"


@pytest.fixture
def error_client(app):
    """The real app, with the probe that raises each error and a rate-limited route; exceptions not propagated."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.register_blueprint(probe)
    app.register_blueprint(limited)
    return app.test_client()


def page_text(response) -> str:
    return response.get_data(as_text=True).replace("&#39;", "'")


def assert_friendly(response, lang: str, code: int, app) -> None:
    html = page_text(response)
    assert response.status_code == code
    assert f'<html lang="{lang}-CA">' in html
    with app.test_request_context(f"/{lang}/"):
        title = str(TITLES[code])
    assert f"<h1>{title}</h1>" in html.replace("&#39;", "'")
    assert f'<a href="/{lang}/help">{GET_HELP[lang]}</a>' in html
    assert "988" in html and "911" in html


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("code", ERROR_CODES)
def test_error_page_in_the_visitors_language(error_client, app, code, lang):
    assert_friendly(error_client.get(f"/{lang}/_quality/error/{code}"), lang, code, app)


def test_french_titles_are_translated(app):
    for code in ERROR_CODES:
        with app.test_request_context("/en/"):
            english = str(TITLES[code])
        with app.test_request_context("/fr/"):
            french = str(TITLES[code])
        assert english != french, code


@pytest.mark.parametrize("lang", LANGUAGES)
def test_real_404_405_and_429(error_client, app, lang):
    assert_friendly(error_client.get(f"/{lang}/sessions/999999"), lang, 404, app)
    response = error_client.post(f"/{lang}/faq")
    assert_friendly(response, lang, 405, app)
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert error_client.get(f"/{lang}/_limited/").status_code == 200
    assert_friendly(error_client.get(f"/{lang}/_limited/"), lang, 429, app)


def test_404_outside_the_prefix_follows_the_browser_language(error_client, app):
    response = error_client.get("/nowhere", headers={"Accept-Language": "fr-CA,fr;q=0.9"})
    assert_friendly(response, "fr", 404, app)


def test_500_never_shows_the_traceback_and_is_logged(error_client, app, caplog):
    with caplog.at_level(logging.ERROR):
        response = error_client.get("/fr/_quality/error/500")
    html = page_text(response)
    assert_friendly(response, "fr", 500, app)
    for leak in ("Traceback", "RuntimeError", "deliberate failure", "site.py", "raise_error"):
        assert leak not in html
    assert any("deliberate failure" in (record.exc_text or "") or record.exc_info for record in caplog.records)
