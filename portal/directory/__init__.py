"""'Get help now': the crisis and support directory. It must answer even when the database and broker are down.

The directory file is validated and loaded into memory when the blueprint is registered (inside create_app), so
a bad file stops the app at start-up with a message naming the entry and field, and requests never read it.
"""
from __future__ import annotations

from flask import Blueprint, Flask

from portal.config import ROOT
from portal.directory.loader import Directory, load_directory
from portal.extensions import limiter

DEFAULT_FILE = ROOT / "data" / "directory.yaml"

bp = Blueprint("directory", __name__, url_prefix="/<lang:lang>")
# Rate-limit storage may be Redis; the crisis page must not depend on it.
limiter.exempt(bp)


@bp.record_once
def _load(state) -> None:
    app: Flask = state.app
    app.extensions["directory"] = load_directory(app.config.get("DIRECTORY_FILE") or DEFAULT_FILE)


def current_directory() -> Directory:
    """The directory loaded at start-up for the current app."""
    from flask import current_app

    return current_app.extensions["directory"]


from portal.directory import routes  # noqa: E402,F401  (registers the views on bp)
