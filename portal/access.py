"""Who may do what: decorators the features put on their views.

- `login_required` (Flask-Login's): any signed-in member, verified or not.
- `verified_required`: signed in AND email confirmed. Use it on anything that registers for a session or
  publishes something (registration, gratitude posts). Anonymous visitors are sent to sign in (with `next`);
  unverified members get a 403 page that explains why and offers to send the link again.
- `staff_required`: signed-in staff; members get a 403, anonymous visitors the sign-in page.

In templates, `current_user.is_verified` and `current_user.is_staff` say the same for showing buttons; the server
check is always the decorator. htmx requests are redirected with `HX-Redirect`, so a swap never shows a login page
inside a panel.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import Response, abort, redirect, render_template
from flask_login import current_user

from portal.extensions import htmx, login_manager


def redirect_for_htmx(location: str) -> Response:
    """A redirect that also works for htmx swaps (htmx follows HX-Redirect with a full page load)."""
    if htmx:
        response = Response(status=204)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location)


def verified_required(view: Callable) -> Callable:
    """Only for signed-in members whose email address is confirmed."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_verified:
            return render_template("accounts/verify_needed.html"), 403
        return view(*args, **kwargs)

    return wrapped


def staff_required(view: Callable) -> Callable:
    """Only for signed-in staff; everyone else signed in gets the 403 page."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_staff:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def is_safe_path(target: str | None) -> bool:
    """True only for a path on this site ("/en/sessions?x=1"): never another host, scheme or a trick like
    "//evil.example", "/\\evil.example" or a path with control characters that browsers strip."""
    if not target or len(target) > 2000 or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(c) < 0x21 or ord(c) == 0x7F for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def add_staff_page(app, endpoint: str, label, *, place: int = 50) -> None:
    """List one of a feature's staff pages in the console's navigation (templates/_staff_nav.html), sorted by
    `place` (the console's own pages take 10-19). label: a lazy gettext string. The header's Staff link counts as
    current on any page of a blueprint listed here."""
    pages = app.extensions.setdefault("staff_pages", [])
    pages.append((place, endpoint, label))
    pages.sort(key=lambda page: page[0])


def staff_pages() -> list[tuple[str, object]]:
    """(endpoint, label) of every staff page the features registered, in navigation order."""
    from flask import current_app

    return [(endpoint, label) for _place, endpoint, label in current_app.extensions.get("staff_pages", ())]


def is_staff_page() -> bool:
    """True on any page of a blueprint that registered a staff page (the header marks its Staff link current)."""
    from flask import request

    blueprints = {endpoint.partition(".")[0] for endpoint, _label in staff_pages()}
    return request.blueprint in blueprints


def staff_home_endpoint() -> str:
    """Where the header's Staff link goes: the staff console when it exists, else the outbox view."""
    from flask import current_app

    return "staff.index" if "staff.index" in current_app.view_functions else "notifications.staff_list"
