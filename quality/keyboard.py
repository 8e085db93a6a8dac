"""Keyboard-only checks: what has the focus, and moving it with Tab as a person would."""
from __future__ import annotations

# What has the focus: where it sits in the document, where in the layout, and whether it is visibly marked.
FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), id: el.id, text: (el.innerText || el.value || '').trim().split('\\n')[0],
    order: Array.prototype.indexOf.call(document.querySelectorAll('*'), el),
    landmark: el.closest('header, main, footer') ? el.closest('header, main, footer').tagName.toLowerCase() : null,
    skip: el.classList.contains('skip-link'),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    onScreen: box.width > 0 && box.height > 0 && box.left >= 0 && box.top >= 0 && box.left < innerWidth,
  };
}"""
ANNOUNCED = "() => document.getElementById('announcer').textContent"


def press(page, key: str) -> dict:
    """Press `key` and describe what has the focus then."""
    page.keyboard.press(key)
    return page.evaluate(FOCUSED)


def tab_to(page, predicate, limit: int = 60) -> dict:
    """Press Tab until the focused element satisfies `predicate`."""
    for _ in range(limit):
        focused = press(page, "Tab")
        if predicate(focused):
            return focused
    raise AssertionError(f"Tab never reached the element (last: {focused})")


def tab_to_footer(page, limit: int = 150) -> list[dict]:
    """Press Tab from where the focus is until it reaches the footer; every stop, described."""
    stops: list[dict] = []
    while not stops or stops[-1]["landmark"] != "footer":
        stops.append(press(page, "Tab"))
        assert len(stops) < limit, "Tab never reached the footer"
    return stops
