"""The crisis pages offline, in Chromium (issue 14): visit the portal once, lose the network, and 988, 911 and the
province's physician health program are still there; any other page says, in its language, that it needs a
connection and links to the saved help. Scripts passed to the page are function expressions: the CSP forbids eval."""
from __future__ import annotations

import pytest

from quality.browser import PageWatch
from quality.site import MEMBER_EMAIL, MEMBER_PASSWORD

pytestmark = pytest.mark.browser

# The worker controls the page once it is activated, and it activates only after saving every page.
CONTROLLED = "() => navigator.serviceWorker.controller !== null && navigator.serviceWorker.controller.state === 'activated'"


@pytest.fixture
def online_page(quality_site, new_page):
    """A page that visited the home page once, whose service worker has saved the crisis pages and now controls it;
    registering and installing the worker raised no console error (a CSP refusal would be one)."""
    page = new_page(service_workers="allow")
    watch = PageWatch(page)
    page.goto(f"{quality_site.url}/en/")
    page.wait_for_function(CONTROLLED)
    assert watch.console_errors == []
    return page


@pytest.fixture
def offline_page(online_page):
    """The same page, its browser context then offline."""
    online_page.context.set_offline(True)
    yield online_page
    online_page.context.set_offline(False)


def test_online_the_worker_lets_everything_through(quality_site, online_page):
    """Redirects, signing in (a POST the worker leaves alone) and a member's page work as without a worker."""
    page = online_page
    page.goto(f"{quality_site.url}/")
    assert page.url == f"{quality_site.url}/en/"
    page.goto(f"{quality_site.url}/en/account")
    assert "/en/account/login" in page.url
    page.fill("input[name=email]", MEMBER_EMAIL)
    page.fill("input[name=password]", MEMBER_PASSWORD)
    with page.expect_navigation():
        page.locator("form[action='/en/account/login'] button[type=submit]").click()
    page.goto(f"{quality_site.url}/en/account")
    assert page.url.endswith("/en/account")
    assert page.locator("form[action='/en/account/logout']").count() == 1


def _tel_links(page) -> set[str]:
    return set(page.locator("a[href^='tel:']").evaluate_all("links => links.map(a => a.getAttribute('href'))"))


def test_the_help_pages_open_offline(quality_site, offline_page):
    page = offline_page
    page.goto(f"{quality_site.url}/en/help")
    assert page.locator("h1").inner_text() == "Get help now"
    assert {"tel:911", "tel:988"} <= _tel_links(page)
    assert page.locator("a[href='sms:988']").count() == 1

    page.goto(f"{quality_site.url}/fr/help?province=QC")
    assert page.locator("html").get_attribute("lang") == "fr-CA"
    assert {"tel:911", "tel:988"} <= _tel_links(page)
    assert page.locator("#service-qc-pamq").count() == 1, "Quebec's physician health program is on the saved page"
    assert page.locator("#province").input_value() == "QC"

    # The stylesheet came from the cache too: the crisis buttons keep their size and colour.
    box = page.locator("a.phone--urgent[href='tel:988']").bounding_box()
    assert box["height"] >= 44


def test_a_saved_page_never_says_open_now(quality_site, online_page):
    """Whether a service is open was true when the page was saved: offline, the badges go; the hours stay."""
    page = online_page
    page.goto(f"{quality_site.url}/en/help?province=ON")
    assert page.locator(".service__state").count() > 0
    page.context.set_offline(True)
    page.goto(f"{quality_site.url}/en/help?province=ON")
    assert page.locator("#service-on-oma-php").count() == 1
    assert page.locator(".service__state").count() == 0
    assert page.locator(".service__facts").count() > 0
    page.context.set_offline(False)


def test_the_province_filter_works_offline(quality_site, offline_page):
    """Choosing a province makes an htmx request; offline, the worker sends the browser to the saved page."""
    page = offline_page
    page.goto(f"{quality_site.url}/en/help")
    with page.expect_navigation():
        page.select_option("#province", "NS")
    assert page.url.endswith("/en/help?province=NS")
    assert page.locator("#service-ns-doctors-ns-psp").count() == 1


@pytest.mark.parametrize(("path", "heading"), [
    ("/fr/sessions", "Vous êtes hors ligne"), ("/en/faq", "You are offline"), ("/en/account", "You are offline")])
def test_other_pages_fall_back_to_the_offline_page(quality_site, offline_page, path, heading):
    page = offline_page
    page.goto(f"{quality_site.url}{path}")
    assert page.locator("h1").inner_text() == heading
    lang = path.split("/")[1]
    assert page.locator("html").get_attribute("lang") == f"{lang}-CA"
    page.locator(f"main a[href='/{lang}/help']").click()
    assert page.url.endswith(f"/{lang}/help")
    assert {"tel:911", "tel:988"} <= _tel_links(page)


def test_the_support_page_opens_offline(quality_site, offline_page):
    page = offline_page
    page.goto(f"{quality_site.url}/fr/support-a-colleague")
    assert page.locator("h1").inner_text() == "Soutenir une ou un collègue"
    assert {"tel:911", "tel:988"} <= _tel_links(page)


def test_without_the_worker_offline_means_nothing(quality_site, new_page):
    """The check above is a real one: with service workers blocked, the same offline reload fails."""
    page = new_page(service_workers="block")
    page.goto(f"{quality_site.url}/en/help")
    page.context.set_offline(True)
    # A page not in the browser's own HTTP cache (/en/help is, for the 60 s its Cache-Control allows): the one the
    # worker serves offline in test_the_help_pages_open_offline.
    with pytest.raises(Exception, match="ERR_INTERNET_DISCONNECTED"):
        page.goto(f"{quality_site.url}/fr/help?province=QC")
