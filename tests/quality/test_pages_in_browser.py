"""Every page and htmx state in Chromium, in both languages: zero axe violations (WCAG 2.2 A and AA), no request
leaves this machine, no console error (a CSP violation is one). Pages behind sign-in are opened signed in as their
role; states after a submission are reached by filling and submitting the form."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from quality.axe import describe, run_axe
from quality.browser import PageWatch, perform_swap, submit_form
from quality.pages import FRAGMENTS, PAGES, SWAPS, in_every_language

pytestmark = pytest.mark.browser


def _ids(pairs):
    return [f"{spec.name}-{lang}" for spec, lang in pairs]


def _open(quality_site, page_as, spec, lang: str):
    """A page signed in as the spec's role, its requests and console watched, opened at the spec's URL:
    (page, watch, url, response)."""
    page = page_as(spec.role)
    watch = PageWatch(page)
    url = quality_site.url_for(spec, lang)
    return page, watch, url, page.goto(url)


def assert_clean(page, watch: PageWatch, url: str, status: int = 200) -> None:
    """The checks every page state must pass: axe, third-party requests, console errors."""
    violations = run_axe(page)
    assert not violations, f"axe found {len(violations)} violation(s) on {url}:\n{describe(violations)}"
    assert not watch.third_party_requests(), f"requests left the machine from {url}"
    assert not watch.unexpected_console_errors(url, status), f"console errors on {url}"
    assert len(watch.requests) > 1, "the page's own CSS and scripts were requested (the recorder works)"


@pytest.mark.parametrize(("spec", "lang"), in_every_language(PAGES), ids=_ids(in_every_language(PAGES)))
def test_page(quality_site, page_as, spec, lang):
    page, watch, url, response = _open(quality_site, page_as, spec, lang)
    if spec.submit:
        response = submit_form(page, spec.submit.action_path(lang, quality_site.sample), spec.submit.fields)
    assert response.status == spec.status
    assert "/account/login" not in page.url or spec.role is None, "the role's sign-in was kept"
    assert page.locator("html").get_attribute("lang") == f"{lang}-CA"
    assert_clean(page, watch, url, spec.status)


@pytest.mark.parametrize(("swap", "lang"), in_every_language(SWAPS), ids=_ids(in_every_language(SWAPS)))
def test_after_htmx_swap(quality_site, page_as, swap, lang):
    page, watch, _url, _response = _open(quality_site, page_as, swap, lang)
    before = len(watch.requests)
    perform_swap(page, swap.steps)
    swapped = [u for u in watch.requests[before:] if urlsplit(u).path.startswith(f"/{lang}/")]
    assert swapped, "the swap was made by an htmx request, not a page load"
    assert page.evaluate("() => performance.getEntriesByType('navigation').length") == 1
    assert_clean(page, watch, page.url)


# An htmx fragment, asked for as htmx asks, in place of the page's main content (its out-of-band pieces, which htmx
# puts elsewhere, left out), so axe sees it with the page's styles around it.
SHOW_FRAGMENT = """async url => {
  const response = await fetch(url, {headers: {'HX-Request': 'true'}});
  const template = document.createElement('template');
  template.innerHTML = await response.text();
  template.content.querySelectorAll('[hx-swap-oob]').forEach(el => el.remove());
  document.querySelector('main').replaceChildren(template.content);
  return response.status;
}"""


@pytest.mark.parametrize(("spec", "lang"), in_every_language(FRAGMENTS), ids=_ids(in_every_language(FRAGMENTS)))
def test_fragment(quality_site, page_as, spec, lang):
    """Every htmx fragment passes axe too (WCAG 2.2 AA), not only the states the swaps reach."""
    page, watch, url, _response = _open(quality_site, page_as, spec, lang)
    assert page.evaluate(SHOW_FRAGMENT, url) == spec.status
    assert page.locator("main > *").count() > 0
    assert_clean(page, watch, url, spec.status)


BROKEN_PAGE = """<!DOCTYPE html><html lang="en"><head><title>broken</title>
<link rel="stylesheet" href="https://fonts.example.invalid/font.css"></head>
<body><main><img src="/static/favicon.svg"><script>document.title = "inline";</script></main></body></html>"""


def test_the_checks_catch_what_they_look_for(quality_site, new_page):
    """A page with a third-party stylesheet, an inline script and an image without alt text fails every check."""
    from portal.security import CONTENT_SECURITY_POLICY

    page = new_page()
    watch = PageWatch(page)
    page.route("**/fonts.example.invalid/**", lambda route: route.abort())  # recorded, never sent
    page.route(f"{quality_site.url}/_quality/broken", lambda route: route.fulfill(
        body=BROKEN_PAGE, content_type="text/html", headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY}))
    url = f"{quality_site.url}/_quality/broken"
    page.goto(url)
    assert watch.third_party_requests() == ["https://fonts.example.invalid/font.css"]
    assert any("Content Security Policy" in error for error in watch.unexpected_console_errors(url, 200))
    assert page.title() == "broken", "the CSP blocked the inline script"
    assert "image-alt" in {violation["id"] for violation in run_axe(page)}
