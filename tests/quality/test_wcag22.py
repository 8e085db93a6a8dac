"""The WCAG 2.2 criteria that axe cannot settle alone (issue 14), in Chromium: call buttons large enough to tap on a
phone (2.5.8, and the 44 px we aim for), focus never hidden under a header (2.4.11), and a sign-in that lets people
paste and lets password managers fill it (3.3.8). Scripts passed to the page are function expressions."""
from __future__ import annotations

import pytest

from quality.keyboard import press

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 375, "height": 667}, "is_mobile": True, "has_touch": True}
CALL_LINKS = "a[href^='tel:'], a[href^='sms:']"
# Is the centre of the focused element covered by something that is neither it nor inside it?
FOCUS_COVERED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  const box = el.getBoundingClientRect();
  if (box.width === 0 || box.height === 0) { return null; }
  const x = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(box.top + box.height / 2, 0), innerHeight - 1);
  const hit = document.elementFromPoint(x, y);
  if (!hit || el.contains(hit) || hit.contains(el) || (el.labels && [...el.labels].some(l => l.contains(hit)))) {
    return null;
  }
  return (el.id || el.tagName) + ' under ' + (hit.className || hit.tagName);
}"""


@pytest.mark.parametrize("path", ["/en/help", "/fr/help?province=QC", "/en/support-a-colleague?province=ON",
                                  "/fr/support-a-colleague?province=NU", "/en/help?province=national"])
def test_call_buttons_are_large_enough_to_tap_on_a_phone(quality_site, new_page, path):
    page = new_page(**PHONE)
    page.goto(f"{quality_site.url}{path}")
    links = page.locator(CALL_LINKS)
    boxes = [box for box in links.evaluate_all("links => links.map(a => a.getBoundingClientRect().toJSON())")]
    assert boxes, "the page has call buttons"
    small = [box for box in boxes if box["width"] < 44 or box["height"] < 44]
    assert not small, f"call targets under 44 x 44 CSS px on {path}: {small}"


LAST_STOP = "() => document.activeElement === [...document.querySelectorAll('footer a, footer button')].pop()"


def _covered_focus_stops(page, limit: int = 150) -> list[str]:
    """Tab from the top of the page to the footer's last link; where the focused element was covered."""
    problems = []
    for _ in range(limit):
        press(page, "Tab")
        problem = page.evaluate(FOCUS_COVERED)
        if problem:
            problems.append(problem)
        if page.evaluate(LAST_STOP):
            return problems
    raise AssertionError("Tab never reached the footer's last link")


@pytest.mark.parametrize("viewport", [{"width": 375, "height": 667}, {"width": 1280, "height": 720}],
                         ids=["phone", "desktop"])
@pytest.mark.parametrize("path", ["/en/support-a-colleague", "/fr/help?province=QC", "/en/sessions"])
def test_focus_is_never_hidden_under_the_header(quality_site, new_page, path, viewport):
    page = new_page(viewport=viewport)
    page.goto(f"{quality_site.url}{path}")
    assert _covered_focus_stops(page) == []


def test_the_focus_check_sees_a_sticky_header(quality_site, new_page):
    """The check above can fail: with a sticky header pinned over the page (CSP bypassed to add it), it reports."""
    page = new_page(viewport={"width": 375, "height": 400}, bypass_csp=True)
    page.goto(f"{quality_site.url}/en/support-a-colleague")
    page.add_style_tag(content=".site-header { position: sticky; top: 0; z-index: 5; min-height: 60vh; }")
    assert _covered_focus_stops(page)


@pytest.mark.parametrize(("path", "password_autocomplete"), [
    ("/en/account/login", "current-password"), ("/fr/account/login", "current-password"),
    ("/en/account/signup", "new-password")], ids=["login-en", "login-fr", "signup-en"])
def test_sign_in_lets_people_paste_and_password_managers_fill(quality_site, new_page, path, password_autocomplete):
    page = new_page()
    page.goto(f"{quality_site.url}{path}")
    email, password = page.locator("input[name=email]"), page.locator("input[name=password]")
    assert email.get_attribute("autocomplete") in ("email", "username")
    assert password.get_attribute("autocomplete") == password_autocomplete
    assert password.get_attribute("type") == "password"
    for field in (email, password):
        # A paste that nobody cancels, and text inserted the way a password manager or a paste inserts it.
        prevented = field.evaluate("""el => {
          const data = new DataTransfer();
          data.setData('text/plain', 'pasted');
          return !el.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
        }""")
        assert not prevented, "pasting is not blocked"
        field.focus()
        page.keyboard.insert_text("pasted-value@example.org")
        assert field.input_value() == "pasted-value@example.org"
    if path.endswith("/login"):
        # No cognitive test: nothing to solve or transcribe, only the two fields, "remember me" and hidden fields.
        form = page.locator(f"form[action='{path}']")
        names = form.locator("input, select, textarea").evaluate_all("els => els.map(e => e.name)")
        assert sorted(names) == ["csrf_token", "email", "next", "password", "remember"]
        assert form.locator("img, canvas, iframe").count() == 0


def test_the_paste_check_sees_a_blocked_paste(quality_site, new_page):
    page = new_page(bypass_csp=True)
    page.goto(f"{quality_site.url}/en/account/login")
    page.add_script_tag(content="document.querySelector('input[name=password]')"
                                ".addEventListener('paste', e => e.preventDefault());")
    prevented = page.locator("input[name=password]").evaluate("""el => !el.dispatchEvent(
      new ClipboardEvent('paste', {clipboardData: new DataTransfer(), bubbles: true, cancelable: true}))""")
    assert prevented
