"""The CSRF token a browser would send from a page: the meta tag on signed-in pages, else the form's hidden field
(a visitor's pages carry no meta tag, so they start no session)."""
from __future__ import annotations

import re


def page_token(html: str) -> str | None:
    """The token in the page, or None if it has neither the meta tag nor a form's hidden field."""
    found = (re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
             or re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', html))
    return found.group(1) if found else None
