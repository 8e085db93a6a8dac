"""CSRF on every state-changing route: a POST (PUT, PATCH, DELETE) without a token gets a 400 and the friendly
page in the visitor's language. Routes are found in the URL map, so new forms are covered when they arrive."""
from __future__ import annotations

import re

import pytest
from flask import Blueprint

from portal.i18n import LANGUAGES
from quality.routes import STATE_CHANGING, concrete_routes, methods

# A state-changing route that exists only in these tests, so the mechanism is proven even before the portal
# has forms of its own.
probe = Blueprint("csrf_probe", __name__, url_prefix="/<lang:lang>/_csrf-probe")


@probe.post("/")
def change():
    """Stands in for any form handler."""
    return "changed"


FRIENDLY_400 = {"en": "Something in that request was not right", "fr": "Quelque chose n'allait pas dans cette demande"}
GET_HELP = {"en": "Get help now", "fr": "Obtenir de l'aide maintenant"}


@pytest.fixture
def probed_app(app):
    """The real app with the probe route added."""
    app.register_blueprint(probe)
    return app


def _token(client) -> str:
    html = client.get("/en/").get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_state_changing_route_refuses_a_request_without_a_token(probed_app, make_session, lang):
    client = probed_app.test_client()
    client.get(f"/{lang}/")  # a session exists, as for a real visitor; only the token is missing
    sample = {"lang": lang, "session_id": make_session().id}
    routes = [(rule.endpoint, method, path) for rule, path in concrete_routes(probed_app, sample)
              for method in methods(rule) if method in STATE_CHANGING]
    assert ("csrf_probe.change", "POST", f"/{lang}/_csrf-probe/") in routes  # the enumeration finds forms
    for endpoint, method, path in routes:
        response = client.open(path, method=method, data={"anything": "x"})
        html = response.get_data(as_text=True).replace("&#39;", "'")
        assert response.status_code == 400, (endpoint, method, response.status_code)
        assert f'<html lang="{lang}">' in html, endpoint
        assert FRIENDLY_400[lang] in html and GET_HELP[lang] in html and "988" in html, endpoint
        assert "CSRF" not in html and "Bad Request" not in html, endpoint


def test_a_wrong_token_is_refused_too(probed_app):
    client = probed_app.test_client()
    _token(client)
    assert client.post("/fr/_csrf-probe/", data={"csrf_token": "forged"}).status_code == 400
    assert client.post("/fr/_csrf-probe/", headers={"X-CSRFToken": "forged"}).status_code == 400


def test_the_token_from_the_page_is_accepted_as_a_field_or_as_htmx_sends_it(probed_app):
    client = probed_app.test_client()
    token = _token(client)
    assert client.post("/en/_csrf-probe/", data={"csrf_token": token}).get_data(as_text=True) == "changed"
    response = client.post("/en/_csrf-probe/", headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert response.status_code == 200


def test_over_https_a_same_origin_referer_passes(probed_app):
    """Flask-WTF checks the Referer of HTTPS posts; our Referrer-Policy (same-origin, or strict-origin on pages
    with a secret in their URL) keeps it for our own forms."""
    client = probed_app.test_client()
    html = client.get("/en/", base_url="https://portal.example").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)
    ok = client.post("/en/_csrf-probe/", data={"csrf_token": token}, base_url="https://portal.example",
                     headers={"Referer": "https://portal.example/en/"})
    assert ok.status_code == 200
    elsewhere = client.post("/en/_csrf-probe/", data={"csrf_token": token}, base_url="https://portal.example",
                            headers={"Referer": "https://evil.example/"})
    assert elsewhere.status_code == 400


@pytest.mark.browser
def test_htmx_sends_the_token_from_the_meta_tag(quality_site, new_page):
    """In the browser, portal.js adds X-CSRFToken to htmx's non-GET requests, so they pass the CSRF check."""
    page = new_page()
    page.goto(f"{quality_site.url}/en/faq")
    statuses = []
    page.on("response", lambda response: statuses.append(response.status) if "/csrf" in response.url else None)
    page.evaluate("() => htmx.ajax('POST', '/en/_quality/csrf', {target: '#announcer', swap: 'innerHTML'})")
    page.wait_for_function("() => document.getElementById('announcer').textContent === 'accepted'")
    page.evaluate("() => document.querySelector('meta[name=csrf-token]').content = 'forged'")
    with page.expect_response(lambda response: "/csrf" in response.url):
        page.evaluate("() => htmx.ajax('POST', '/en/_quality/csrf', {target: '#announcer', swap: 'innerHTML'})")
    assert statuses == [200, 400]
