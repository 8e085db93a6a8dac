"""One view, two answers: the full page for a normal request, only the partial for an htmx swap."""
from __future__ import annotations

from collections.abc import Callable

from flask import make_response, render_template

from portal.caching import cached_html
from portal.extensions import htmx


def wants_fragment() -> bool:
    """True for an htmx request that swaps a region (not a boosted navigation or a history restore)."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(page: str, partial: str, status: int = 200, **context):
    """Render `page` (which includes `partial`) or just `partial` for an htmx swap; always Vary: HX-Request."""
    template = partial if wants_fragment() else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response



def render_shared(page: str, partial: str, context: Callable[[], dict], *, key: str | None = ""):
    """Like render(), but the HTML is shared between anonymous visitors (portal.caching): `context()` is called only
    when it must be rendered, and `key` names what the HTML depends on besides the URL's language (None: do not
    share this one)."""
    template = partial if wants_fragment() else page

    def draw() -> str:
        return render_template(template, **context())

    html = draw() if key is None else cached_html(template, draw, key=key)
    response = make_response(html)
    response.vary.add("HX-Request")
    return response
