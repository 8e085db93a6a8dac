"""The service worker script, the web app manifest and the offline page, as the server answers them (issue 14).
The worker's behaviour in a browser is in test_offline_browser.py."""
from __future__ import annotations

import json
import re
import struct

import pytest
from flask import url_for

from portal.config import ROOT
from portal.i18n import LANGUAGES, PROVINCES

SETTINGS = re.compile(r"^self\.PORTAL_OFFLINE = (\{.*\});\n")


def worker_settings(client) -> dict:
    response = client.get("/sw.js")
    match = SETTINGS.match(response.get_data(as_text=True))
    assert match, "the worker starts with its settings"
    return json.loads(match.group(1))


def test_the_worker_is_served_from_the_root_as_javascript_and_never_kept_stale(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.get_data(as_text=True).endswith((ROOT / "static" / "sw.js").read_text(encoding="utf-8"))


def test_the_worker_saves_the_crisis_pages_of_every_province_in_both_languages(client):
    precache = worker_settings(client)["precache"]
    for lang in LANGUAGES:
        assert {f"/{lang}/help", f"/{lang}/help.txt", f"/{lang}/help?province=national",
                f"/{lang}/support-a-colleague", f"/{lang}/offline"} <= set(precache)
        assert {f"/{lang}/help?province={code}" for code in PROVINCES} <= set(precache)
    assert worker_settings(client)["offline"] == {lang: f"/{lang}/offline" for lang in LANGUAGES}


def test_every_saved_url_answers_200_without_cookies(app):
    """The worker saves what it fetches without credentials: each URL must answer a cookie-less visitor."""
    client = app.test_client()
    for url in worker_settings(client)["precache"]:
        response = app.test_client().get(url)
        assert response.status_code == 200, url
        response.close()
    statics = [url for url in worker_settings(client)["precache"] if "/static/" in url]
    assert len(statics) == 8


def test_static_urls_come_from_url_for_never_from_the_scripts(app, client):
    """Static file names may be fingerprinted: the worker's URLs are built by url_for, never written in the JS."""
    for script in ("sw.js", "js/portal.js"):
        source = (ROOT / "static" / script).read_text(encoding="utf-8")
        assert "/static/" not in source, script
    assert 'register("' not in (ROOT / "static" / "js" / "portal.js").read_text(encoding="utf-8")
    with app.test_request_context():
        expected = url_for("static", filename="css/portal.css")
    assert expected in worker_settings(client)["precache"]


def test_the_version_changes_with_the_directory(app, client, monkeypatch):
    """New directory data must reach the saved pages: the worker's bytes change, so browsers install it again."""
    before = worker_settings(client)["version"]
    directory = app.extensions["directory"]
    monkeypatch.setitem(app.extensions, "directory", type(directory)(services=directory.services[:-1],
                                                                      source=directory.source))
    assert worker_settings(client)["version"] != before


@pytest.mark.parametrize(("lang", "name"), [("en", "Wellness Connection"), ("fr", "Connexion bien-être")])
def test_the_manifest_names_the_portal_in_its_language(client, lang, name):
    response = client.get(f"/{lang}/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["name"] == name and manifest["lang"] == f"{lang}-CA"
    assert manifest["start_url"] == f"/{lang}/" and manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes


def test_the_manifest_icons_exist_at_their_declared_sizes(client):
    for icon in json.loads(client.get("/en/manifest.webmanifest").get_data())["icons"]:
        response = client.get(icon["src"])
        assert response.status_code == 200 and response.mimetype == icon["type"], icon
        if icon["type"] == "image/png":
            width, height = struct.unpack(">II", response.data[16:24])  # the IHDR chunk
            assert f"{width}x{height}" == icon["sizes"]
        response.close()


@pytest.mark.parametrize("path", ["/en/", "/fr/help", "/en/faq", "/fr/offline", "/en/support-a-colleague",
                                  "/en/no-such-page"])
def test_every_page_links_the_manifest_and_the_worker(client, path):
    html = client.get(path).get_data(as_text=True)
    lang = path.split("/")[1]
    assert (f'<link rel="manifest" href="/{lang}/manifest.webmanifest" data-service-worker="/sw.js">'
            in html)


@pytest.mark.parametrize(("lang", "heading"), [("en", "You are offline"), ("fr", "Vous êtes hors ligne")])
def test_the_offline_page_links_to_the_saved_help_in_its_language(client, lang, heading):
    response = client.get(f"/{lang}/offline")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"<h1 id=\"offline-heading\">{heading}</h1>" in html
    assert f'href="/{lang}/help"' in html and f'href="/{lang}/support-a-colleague"' in html
    assert 'name="csrf-token"' not in html, "a saved page carries no session's token"
    assert "session=" not in response.headers.get("Set-Cookie", "")
