"""The console in Chromium, on its own served site (these journeys publish and cancel sessions, which would change
the counts other browser tests expect of the shared harness site): with JavaScript off, every step is a full page;
with it on, cancel asks in a modal dialog and cancel and duplicate update the row in place."""
from __future__ import annotations

import re

import pytest

from tests.when import eastern_day
from tests.staff.conftest import wall

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def console_site(tmp_path_factory):
    from quality.site import LiveServer, Site, build_app

    app, sample = build_app(tmp_path_factory.mktemp("console-site"))
    with LiveServer(app) as server:
        yield Site(url=server.url, sample=sample, app=app)


@pytest.fixture
def staff_page(browser, new_page, console_site):
    def _open(**options):
        return new_page(storage_state=console_site.storage_state(browser, "staff"), **options)

    return _open


def _fill_session(page, title: str, starts: str) -> None:
    page.fill("#title_en", title)
    page.fill("#title_fr", f"{title} (fr)")
    page.fill("#description_en", "Nights are long.\n\nWe talk about them.")
    page.fill("#description_fr", "Les nuits sont longues.")
    page.select_option("#format", "peer_support")
    page.select_option("#language", "bilingual")
    page.fill("#moderator", "Dr. Lea Tremblay")
    page.fill("#starts_at", starts)
    page.fill("#duration_minutes", "75")
    page.fill("#capacity", "12")
    page.fill("#zoom_url", "https://zoom.us/j/5551234567")
    page.check("input[name=topics][value=stress]")


def test_without_javascript_staff_publish_then_cancel_through_a_confirmation_page(console_site, staff_page):
    page = staff_page(java_script_enabled=False)
    page.goto(f"{console_site.url}/en/staff/sessions/new")
    _fill_session(page, "No-script circle", wall(eastern_day(12, "18:30")))
    with page.expect_navigation():
        page.get_by_role("button", name="Publish").click()
    assert "Published: the session is now listed for members." in page.inner_text(".flashes")
    assert page.input_value("#starts_at") == wall(eastern_day(12, "18:30"))
    assert page.input_value("#duration_minutes") == "75"

    page.goto(f"{console_site.url}/en/staff/sessions?q=No-script")
    assert len(page.locator("tbody tr").all()) == 1
    with page.expect_navigation():
        page.get_by_role("button", name="Cancel session No-script circle").click()
    assert page.locator("h1").inner_text() == "Cancel this session?"
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, cancel the session").click()
    assert "is cancelled" in page.inner_text(".flashes")
    page.goto(f"{console_site.url}/en/staff/sessions?q=No-script")
    assert "Cancelled" in page.inner_text("tbody tr")
    public = page.goto(f"{console_site.url}/fr/sessions?q=No-script")
    assert public.status == 200


def test_with_htmx_cancel_asks_in_a_dialog_and_rows_change_in_place(console_site, staff_page):
    page = staff_page()
    page.goto(f"{console_site.url}/fr/staff/sessions/new")
    _fill_session(page, "Dialog circle", wall(eastern_day(13, "12:00")))
    with page.expect_navigation():
        page.get_by_role("button", name="Publier").click()
    page.goto(f"{console_site.url}/fr/staff/sessions?q=Dialog")
    navigations = page.evaluate("() => performance.getEntriesByType('navigation').length")
    row = page.locator("tbody tr").first
    row_id = row.get_attribute("id")

    page.get_by_role("button", name=re.compile("^Dupliquer")).click()
    page.wait_for_function("() => document.querySelectorAll('tbody tr').length === 2")
    rows = page.locator("tbody tr")
    assert rows.nth(0).get_attribute("id") == row_id
    assert "Brouillon" in rows.nth(1).inner_text()

    page.get_by_role("button", name=re.compile("^Annuler la séance")).first.click()
    dialog = page.locator("dialog[open]")
    dialog.wait_for()
    assert page.evaluate("() => document.activeElement.closest('dialog') !== null"), "focus moved into the dialog"
    assert "Cette action est irréversible." in dialog.inner_text()
    page.keyboard.press("Escape")  # closes without cancelling
    page.wait_for_function("() => !document.querySelector('dialog')")
    assert "Publiée" in page.locator(f"#{row_id}").inner_text()

    page.get_by_role("button", name=re.compile("^Annuler la séance")).first.click()
    page.locator("dialog[open]").get_by_role("button", name="Oui, annuler la séance").click()
    page.wait_for_function(f"() => document.querySelector('#{row_id}').innerText.includes('Annulée')")
    assert page.locator("dialog").count() == 0
    assert page.evaluate("() => performance.getEntriesByType('navigation').length") == navigations
