"""One view, two answers: the full page for a normal request, only the partial for an htmx swap."""
from __future__ import annotations

from flask import make_response, render_template

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

