"""With JavaScript off, every journey the site offers completes by full page loads. One test per journey; later
features add theirs (registration, posting) here or beside their own tests, using the `no_js_page` fixture. The
account journeys are in test_accounts_without_javascript.py."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def heading(page) -> str:
    return page.locator("#results-heading").inner_text()


def session_titles(page) -> list[str]:
    return page.locator("#results .session-card__title").all_inner_texts()


def test_filter_journey(quality_site, no_js_page):
    page = no_js_page
    page.goto(f"{quality_site.url}/en/sessions")
    assert heading(page) == "16 sessions found"
    page.fill("#filter-q", "isfan")
    page.select_option("#filter-format", "peer_support")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # in the search field: the form's own submission
    assert "q=isfan" in page.url and "format=peer_support" in page.url
    assert heading(page) == "1 session found"
    assert session_titles(page) == ["Imposter syndrome"]
    assert page.input_value("#filter-q") == "isfan", "the form shows what was asked"

    page.select_option("#filter-format", "")
    page.select_option("#filter-language", "fr")
    page.fill("#filter-q", "")
    with page.expect_navigation():
        page.get_by_role("button", name="Show sessions").click()
    assert "language=fr" in page.url
    assert session_titles(page) and heading(page) != "16 sessions found"

    with page.expect_navigation():
        page.get_by_role("link", name="Clear filters").click()
    assert page.url.endswith("/en/sessions") and heading(page) == "16 sessions found"

    with page.expect_navigation():
        page.get_by_role("link", name="Imposter syndrome").click()
    assert page.locator("h1").inner_text() == "Imposter syndrome"


def test_empty_filter_journey(quality_site, no_js_page):
    page = no_js_page
    page.goto(f"{quality_site.url}/fr/sessions")
    page.fill("#filter-q", "aucune-séance-ne-correspond")
    with page.expect_navigation():
        page.get_by_role("button", name="Afficher les séances").click()
    assert "Aucune séance à venir ne correspond à ces filtres." in page.locator("#results").inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="Effacer les filtres et voir toutes les séances").click()
    assert heading(page) == "16 séances trouvées"


def test_pagination_journey(quality_site, no_js_page):
    page = no_js_page
    page.goto(f"{quality_site.url}/en/sessions?format=peer_support")
    seen = []
    for number in range(1, 4):
        assert f"Page {number} of" in page.locator(".pagination").inner_text()
        titles = session_titles(page)
        assert titles and not set(titles) & set(seen), "each page shows new sessions"
        seen += titles
        next_link = page.locator(".pagination a[rel=next]")
        if not next_link.count():
            break
        with page.expect_navigation():
            next_link.click()
        assert "format=peer_support" in page.url, "the filter is kept from page to page"
    assert len(seen) == int(heading(page).split()[0])
    with page.expect_navigation():
        page.locator(".pagination a[rel=prev]").click()
    assert "page=" in page.url and session_titles(page)[0] in seen
