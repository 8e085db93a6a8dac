"""What a check watches while a page runs in Chromium, and how it drives htmx swaps as a person would."""
from __future__ import annotations

from urllib.parse import urlsplit

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Schemes that never leave the machine (inline images, the page's own blobs).
LOCAL_SCHEMES = frozenset({"data", "blob", "about"})

_LISTEN_FOR_SETTLE = """() => {
  window.__qualitySettled = false;
  document.addEventListener('htmx:afterSettle', () => { window.__qualitySettled = true; }, {once: true});
}"""


class PageWatch:
    """Records every request a page makes, and every console error and uncaught exception."""

    def __init__(self, page) -> None:
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(f"uncaught exception: {error}"))

    def _on_console(self, message) -> None:
        if message.type == "error":
            where = message.location.get("url", "") if message.location else ""
            self.console_errors.append(f"{message.text} ({where})")

    def third_party_requests(self) -> list[str]:
        """Requests to anything but this machine."""
        outside = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in LOCAL_SCHEMES:
                continue
            if parts.scheme not in ("http", "https", "ws", "wss") or parts.hostname not in LOCAL_HOSTS:
                outside.append(url)
        return outside

    def unexpected_console_errors(self, document_url: str, status: int) -> list[str]:
        """Console errors, except Chromium's note that an error page answered with its (expected) status."""
        expected = f"the server responded with a status of {status}"
        return [e for e in self.console_errors if not (status >= 400 and expected in e and document_url in e)]


def wait_for_swap(page, action, timeout: float = 5000) -> None:
    """Run `action` (a key press, a click...) and wait until the htmx swap it causes has settled."""
    page.evaluate(_LISTEN_FOR_SETTLE)
    action()
    page.wait_for_function("() => window.__qualitySettled === true", timeout=timeout)


def perform_swap(page, steps) -> None:
    """Do a Swap's steps (see quality.pages.Swap); the last one must cause an htmx swap, which is waited for."""
    actions = {
        "select": lambda selector, value: page.select_option(selector, value),
        "type": lambda selector, value: page.locator(selector).press_sequentially(value),
        "click": lambda selector, _value: page.click(selector),
    }
    *before, last = steps
    for action, selector, value in before:
        actions[action](selector, value)
    action, selector, value = last
    wait_for_swap(page, lambda: actions[action](selector, value))


def submit_form(page, action_path: str, fields) -> object:
    """Fill the form that posts to `action_path` (by field name, as its kind needs) and submit it with its button;
    returns the response to the submission."""
    form = page.locator(f'form[action="{action_path}"]')
    for name, value in fields:
        target = form.locator(f'[name="{name}"]')
        kind = target.first.evaluate("el => el.tagName.toLowerCase() + ':' + (el.type || '')")
        if kind.startswith("select"):
            target.select_option(value)
        elif kind.endswith(":radio"):
            form.locator(f'[name="{name}"][value="{value}"]').check()
        elif kind.endswith(":checkbox"):
            target.set_checked(bool(value))
        else:
            target.fill(value)
    with page.expect_navigation() as navigation:
        form.locator("button[type=submit]").last.click()
    return navigation.value
