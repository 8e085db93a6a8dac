"""'Support a colleague' in Chromium (issue 16): with JavaScript off, with the keyboard only, and on paper.
(axe and Nu check it through quality/pages.py; offline, see tests/offline.)"""
from __future__ import annotations

import pytest

from quality.keyboard import tab_to_footer

pytestmark = pytest.mark.browser


def test_choosing_a_province_without_javascript(quality_site, no_js_page):
    page = no_js_page
    page.goto(f"{quality_site.url}/fr/support-a-colleague")
    page.select_option("#province", "QC")
    with page.expect_navigation():
        page.locator("#refer button[type=submit]").click()
    assert page.url.endswith("/fr/support-a-colleague?province=QC")
    assert page.locator("#service-qc-pamq").count() == 1
    assert page.locator("#refer a[href='tel:911']").count() == 1


def test_the_page_with_the_keyboard_only(quality_site, new_page):
    """Skip link, header, then the table of contents in order; every stop visibly focused; a contents link moves
    the reader to its section; the province form works from the keyboard."""
    page = new_page()
    page.goto(f"{quality_site.url}/en/support-a-colleague")
    stops = tab_to_footer(page)
    assert stops[0]["skip"]
    main = [stop for stop in stops if stop["landmark"] == "main"]
    assert main[0]["text"] == "Signs worth noticing", "the table of contents comes first in the content"
    orders = [stop["order"] for stop in stops]
    assert orders == sorted(orders), "focus follows the document order"
    hidden = [stop for stop in stops if not (stop["outline"] and stop["onScreen"])]
    assert not hidden, f"focus not visible on {hidden}"

    page.goto(f"{quality_site.url}/en/support-a-colleague")
    page.locator(".toc a[href='#refer']").focus()
    page.keyboard.press("Enter")
    assert page.url.endswith("#refer")
    page.locator("#province").focus()
    page.keyboard.press("End")  # the last province in the list
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "province=" in page.url and "national" not in page.url


def test_the_printed_page_keeps_the_numbers_and_shows_where_sources_are(quality_site, new_page):
    page = new_page()
    page.goto(f"{quality_site.url}/en/support-a-colleague?province=ON")
    page.emulate_media(media="print")
    assert page.locator("#refer form").is_hidden(), "the province form means nothing on paper"
    assert page.locator(".toc").is_hidden()
    assert page.locator("#refer a[href='tel:988']").is_visible()
    after = page.locator("#signs .sources a").first.evaluate("a => getComputedStyle(a, '::after').content")
    assert "https://" in after, "a printed source shows its address"
