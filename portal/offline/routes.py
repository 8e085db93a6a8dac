"""The service worker script, the web app manifest and the offline page. No database: they must always answer."""
from __future__ import annotations

import hashlib
import json

from flask import Blueprint, current_app, make_response, render_template, url_for
from flask_babel import gettext as _

from portal.config import ROOT
from portal.i18n import LANGUAGES, PROVINCES, current_lang

bp = Blueprint("offline", __name__)

SERVICE_WORKER = ROOT / "static" / "sw.js"
# Icons, as static file names: url_for turns them into whatever URL the static files are served under.
ICONS = (("icons/icon-192.png", "192x192", "image/png"), ("icons/icon-512.png", "512x512", "image/png"),
         ("icons/icon.svg", "any", "image/svg+xml"))
STATIC_FILES = ("css/portal.css", "css/print.css", "favicon.svg", "js/portal.js", "vendor/htmx.min.js",
                *(name for name, _size, _type in ICONS))


def offline_pages(lang: str) -> list[str]:
    """The pages of one language kept on the device: the help page for every province choice, its text version,
    the peer-support page, and the offline page itself."""
    help_page = "directory.get_help"
    return [url_for(help_page, lang=lang), url_for(help_page, lang=lang, province="national"),
            *(url_for(help_page, lang=lang, province=code) for code in PROVINCES),
            url_for("directory.get_help_text", lang=lang), url_for("directory.support_a_colleague", lang=lang),
            url_for("offline.offline_page", lang=lang), url_for("offline.manifest", lang=lang)]


def worker_settings() -> dict:
    """What static/sw.js needs to know, built with url_for at request time (static names may be fingerprinted).

    `version` changes whenever a cached URL, the directory data or the worker's own code changes, so that browsers
    install the new worker and save fresh copies.
    """
    settings = {
        "precache": [url_for("static", filename=name) for name in STATIC_FILES]
                    + [url for lang in LANGUAGES for url in offline_pages(lang)],
        "offline": {lang: url_for("offline.offline_page", lang=lang) for lang in LANGUAGES},
    }
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True).encode())
    digest.update(repr(current_app.extensions["directory"].services).encode())
    digest.update(SERVICE_WORKER.read_bytes())
    catalog = ROOT / "translations" / "fr" / "LC_MESSAGES" / "messages.mo"
    if catalog.exists():
        digest.update(catalog.read_bytes())
    settings["version"] = digest.hexdigest()[:16]
    return settings


@bp.get("/sw.js")
def service_worker():
    """static/sw.js, preceded by its settings, served from the root so that it may control every page."""
    script = (f"self.PORTAL_OFFLINE = {json.dumps(worker_settings(), sort_keys=True)};\n"
              + SERVICE_WORKER.read_text(encoding="utf-8"))
    response = make_response(script)
    response.mimetype = "text/javascript"
    # Browsers must check for a new worker on every visit, never keep an old one from the HTTP cache.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/<lang:lang>/manifest.webmanifest")
def manifest():
    """The web app manifest (add to home screen), in the page's language; it opens on the help page's language."""
    lang = current_lang()
    name = _("Wellness Connection")
    description = _("Free, confidential peer support for physicians, residents, fellows and medical students in Canada.")
    body = {
        "name": name, "short_name": name, "description": description, "lang": f"{lang}-CA",
        "id": url_for("pages.home", lang=lang), "start_url": url_for("pages.home", lang=lang),
        "scope": "/", "display": "standalone", "background_color": "#fbfaf7", "theme_color": "#1d5c7a",
        "icons": [{"src": url_for("static", filename=filename), "sizes": size, "type": kind, "purpose": "any"}
                  for filename, size, kind in ICONS],
    }
    response = make_response(json.dumps(body, ensure_ascii=False, indent=1))
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/<lang:lang>/offline")
def offline_page():
    """What the service worker shows for a page it has not kept: no connection, and where the saved help is."""
    response = make_response(render_template("offline/offline.html"))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
