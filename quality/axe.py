"""axe-core (pinned in package.json) run inside a page, under the page's own Content-Security-Policy.

The script is evaluated through Playwright rather than added as a <script> tag: our CSP forbids inline scripts,
and the check must see the page exactly as a visitor gets it.
"""
from __future__ import annotations

from functools import cache

from portal.config import ROOT

AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 AA since issue 14: target size (24 CSS px), among others. axe's wcag22aa tag holds only the rules new
# in 2.2; the older tags keep the rest.
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")


@cache
def _source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def run_axe(page) -> list[dict]:
    """The WCAG 2.2 A and AA violations axe finds in the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_source())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        list(WCAG_TAGS))
    return result["violations"]


def describe(violations: list[dict]) -> str:
    """One line per failing element: rule, impact, what to fix, where."""
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {node['target']}: "
                         f"{node['html'][:160]}")
    return "\n".join(lines)
