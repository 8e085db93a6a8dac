"""A keyboard-only journey through the listing: logical tab order, focus always visible, filters usable without a
mouse, focus that lands sensibly after a swap, and new results announced through the live region."""
from __future__ import annotations

import pytest

from quality.browser import wait_for_swap
from quality.keyboard import ANNOUNCED, FOCUSED, press, tab_to, tab_to_footer

pytestmark = pytest.mark.browser

def test_tab_order_is_logical_and_focus_is_always_visible(quality_site, new_page):
    page = new_page()
    page.goto(f"{quality_site.url}/en/sessions")
    stops = tab_to_footer(page, limit=80)
    assert stops[0]["skip"] and stops[0]["onScreen"], "the skip link comes first and shows itself"
    header = [stop["text"] for stop in stops[1:8]]
    assert header == ["Wellness Connection", "Get help now", "Sessions", "Questions", "Sign in", "Create account",
                      "Français"]
    assert all(stop["landmark"] == "header" for stop in stops[1:8])
    assert stops[8]["id"] == "filter-q", "main content starts with the search field"
    orders = [stop["order"] for stop in stops]
    assert orders == sorted(orders), "focus follows the document order"
    hidden = [stop for stop in stops if not (stop["outline"] and stop["onScreen"])]
    assert not hidden, f"focus not visible on {hidden}"


def test_skip_link_takes_focus_to_the_main_content(quality_site, new_page):
    page = new_page()
    page.goto(f"{quality_site.url}/en/")
    assert press(page, "Tab")["skip"]
    assert press(page, "Enter")["id"] == "main"
    focused = press(page, "Tab")
    assert focused["landmark"] == "main" and focused["outline"]


def test_filtering_with_the_keyboard_only(quality_site, new_page):
    page = new_page()
    page.goto(f"{quality_site.url}/en/sessions")
    assert page.evaluate(ANNOUNCED) == "", "nothing is announced on page load"
    tab_to(page, lambda focused: focused["id"] == "filter-q")

    # Typing filters as you go: focus stays in the field, the result is announced.
    wait_for_swap(page, lambda: page.keyboard.type("isfan"))
    page.wait_for_function(f"{ANNOUNCED} === '4 sessions found'")
    assert page.evaluate(FOCUSED)["id"] == "filter-q"

    # Choosing a format with the arrow keys: focus stays on the select.
    assert press(page, "Tab")["id"] == "filter-format"
    wait_for_swap(page, lambda: page.keyboard.press("ArrowDown"))
    page.wait_for_function(f"{ANNOUNCED} === '1 session found'")
    assert page.evaluate(FOCUSED)["id"] == "filter-format"
    assert page.locator("#results").get_by_role("link").all_inner_texts() == ["Imposter syndrome"]

    # Enter in the search field submits: focus moves to the results heading, visibly.
    press(page, "Shift+Tab")
    wait_for_swap(page, lambda: page.keyboard.press("Enter"))
    focused = page.evaluate(FOCUSED)
    assert (focused["id"], focused["text"]) == ("results-heading", "1 session found")
    assert focused["outline"], "the moved focus is visible"
    assert "q=isfan" in page.url and "format=peer_support" in page.url, "the filtered listing is bookmarkable"


def test_an_empty_result_is_announced(quality_site, new_page):
    page = new_page()
    page.goto(f"{quality_site.url}/fr/sessions")
    tab_to(page, lambda focused: focused["id"] == "filter-q")
    wait_for_swap(page, lambda: page.keyboard.type("aucune-séance-ne-correspond"))
    page.wait_for_function(f"{ANNOUNCED} === '0 séance trouvée'")
    assert "Aucune séance à venir ne correspond à ces filtres." in page.locator("#results").inner_text()


def test_pagination_with_the_keyboard_moves_focus_to_the_new_results(quality_site, new_page):
    page = new_page()
    page.goto(f"{quality_site.url}/en/sessions")
    tab_to(page, lambda focused: focused["text"] == "Next page")
    wait_for_swap(page, lambda: page.keyboard.press("Enter"))
    focused = page.evaluate(FOCUSED)
    assert focused["id"] == "results-heading" and focused["outline"]
    page.wait_for_function(f"{ANNOUNCED} === '16 sessions found. Page 2 of 4'")
    assert page.url.endswith("/en/sessions?page=2")
    # The next Tab continues from the new results, not from the top of the page.
    assert press(page, "Tab")["landmark"] == "main"
