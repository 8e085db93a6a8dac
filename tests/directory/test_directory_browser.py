"""The help page in a real browser (Debian's Chromium): the htmx filter, the same with JavaScript off, printing,
and what the page costs to load. Scripts passed to the page are function expressions ("() => ..."): a bare
expression is run through eval, which the Content-Security-Policy forbids."""
from __future__ import annotations

import re
import socket
import threading
from urllib.parse import urlparse

import pytest
from werkzeug.serving import make_server

from portal.config import ROOT

pytestmark = pytest.mark.browser

PORTS = range(5200, 5300)  # this feature's share of the machine's ports


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 5200-5299")


@pytest.fixture
def live_url(app):
    """The app served over HTTP in a thread."""
    server = make_server("127.0.0.1", _free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def _suite_helpers(request):
    """tests/conftest.py, whose helpers (skip_or_fail, chromium_path) are plain functions. Looked up by path:
    with several conftest.py files, `import conftest` may find another one."""
    return request.config.pluginmanager.get_plugin(str(ROOT / "tests" / "conftest.py"))


@pytest.fixture
def directory_browser(request, browser):
    """The suite's one Chromium (tests/conftest.py `browser`): a second Playwright started beside it would find the
    first one's event loop running and refuse. A skip (a failure under PORTAL_REQUIRE_ALL=1) without htmx."""
    if not (ROOT / "static" / "vendor" / "htmx.min.js").exists():
        _suite_helpers(request).skip_or_fail("htmx is not built into static/vendor (run make assets)")
    return browser


def test_choosing_a_province_swaps_the_results_in_place(directory_browser, live_url):
    page = directory_browser.new_page()
    page.goto(f"{live_url}/en/help")
    page.evaluate("() => { window.sameDocument = true; }")
    page.select_option("#province", "QC")
    page.wait_for_url("**/en/help?province=QC")
    page.wait_for_selector("#service-qc-pamq")
    assert page.evaluate("() => window.sameDocument") is True  # no full reload: htmx swapped the results
    assert page.text_content("#province-heading").startswith("Quebec")
    assert page.text_content("#directory-status").strip() == "Showing services across Canada, and services for Quebec."
    assert page.get_attribute("#other-lang", "href") == "/fr/help?province=QC"
    # Screen readers hear the new choice through the page's one live region, which was there from the start.
    page.wait_for_function("() => document.getElementById('announcer').textContent.includes('Quebec')")
    assert page.text_content("#announcer") == "Showing services across Canada, and services for Quebec."
    assert page.evaluate("() => document.activeElement.id") != "province-heading"  # still choosing: focus stays put
    assert any(c["name"] == "help_province" and c["value"] == "QC" for c in page.context.cookies())
    page.go_back()  # Back shows what was on screen before, although the cookie now says Quebec
    page.wait_for_url(f"{live_url}/en/help?province=national")
    page.wait_for_function(
        "() => document.querySelector('#province-heading').textContent.trim() === 'Physician health programs'")
    assert page.input_value("#province") == "national"


def test_submitting_moves_focus_to_the_results_heading(directory_browser, live_url):
    page = directory_browser.new_page()
    page.goto(f"{live_url}/en/help?province=ON")
    page.evaluate("() => { document.getElementById('province').value = 'SK'; }")  # chosen without a change event
    page.click("button[type=submit]")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'province-heading'")
    assert page.text_content("#province-heading").startswith("Saskatchewan")


def test_the_filter_works_with_javascript_off(directory_browser, live_url):
    context = directory_browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_url}/fr/help")
    page.select_option("#province", "NL")
    page.click("button[type=submit]")
    page.wait_for_url("**/fr/help?province=NL")
    assert page.text_content("#province-heading").startswith("Terre-Neuve-et-Labrador")
    context.close()


def test_the_page_prints_as_a_clean_list(directory_browser, live_url):
    page = directory_browser.new_page()
    page.goto(f"{live_url}/en/help?province=ON")
    page.emulate_media(media="print")
    for hidden in (".site-nav", "form.directory-filter", "#directory-status", ".directory-text-link",
                   ".service__state", ".get-help", ".footer-links"):
        assert not page.is_visible(hidden), hidden
    assert page.is_visible("text=Call 1-800-851-6606 (toll-free)")
    assert page.is_visible("text=Call 911")
    assert page.is_visible(".crisis-line")
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF")


def test_the_page_is_light_and_makes_no_third_party_requests(directory_browser, live_url):
    page = directory_browser.new_page()
    loaded: list[tuple[str, int]] = []
    page.on("requestfinished", lambda request: loaded.append((request.url, request.sizes()["responseBodySize"])))
    page.goto(f"{live_url}/en/help?province=ON", wait_until="networkidle")
    hosts = {urlparse(url).netloc for url, _size in loaded}
    assert hosts == {urlparse(live_url).netloc}
    # Static files carry a content hash in their names (portal.assets): name them without it.
    paths = sorted(re.sub(r"\.[0-9a-f]{12}(\.\w+)$", r"\1", urlparse(url).path) for url, _size in loaded)
    assert paths == ["/en/help", "/static/css/portal.css", "/static/css/print.css", "/static/favicon.svg",
                     "/static/js/portal.js", "/static/vendor/htmx.min.js"]
    total = sum(size for _url, size in loaded)
    assert total < 100_000, loaded  # uncompressed; htmx is about half of it
