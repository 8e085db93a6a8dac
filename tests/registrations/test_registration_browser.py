"""Registration in a real browser, signed in through the real login form: a keyboard + htmx journey (register,
see the Zoom link, cancel; join and leave a waiting list) with axe finding nothing in each signed-in panel state
in both languages, and the same journey with JavaScript off, by full page loads. The Nu checker validates the
panel fragment and the page in every state a member can see."""
from __future__ import annotations

import secrets

import pytest

from quality import nu
from quality.axe import describe, run_axe
from quality.browser import wait_for_swap
from tests.when import in_days

PASSWORD = "a long browser passphrase 4 regui"
FOCUSED = "() => ({cls: document.activeElement.className, text: (document.activeElement.innerText || '').trim()})"
STATE = "() => document.getElementById('registration-panel').dataset.state"
ANNOUNCED = "() => document.getElementById('announcer').textContent"


def make_member(site, lang: str, province: str = "NL"):
    """A verified member in the harness site's database, made with the accounts' own password hashing."""
    from portal.accounts.models import User
    from portal.accounts.passwords import hash_password
    from portal.extensions import db, utcnow

    email = f"regui-browser-{secrets.token_hex(4)}@example.org"
    with site.app.app_context():
        user = User(email=email, password_hash=hash_password(PASSWORD), first_name="Browser", last_name="Member",
                    cma_id=str(700000000 + secrets.randbelow(99999999)), category="resident", province=province,
                    locale=lang, email_verified_at=utcnow())
        db.session.add(user)
        db.session.commit()
    return email


def sign_in(page, site, lang: str, email: str, session_id: int) -> None:
    """The real login form, reached from the panel's link, which returns to the session page."""
    page.goto(f"{site.url}/{lang}/sessions/{session_id}")
    page.click("#registration-panel a.button")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{site.url}/{lang}/sessions/{session_id}")


def tab_to(page, text: str, limit: int = 80) -> None:
    """Press Tab until the focused element's text starts with `text`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED)["text"].startswith(text):
            return
    raise AssertionError(f"Tab never reached {text!r}")


def press_enter_and_settle(page) -> None:
    wait_for_swap(page, lambda: page.keyboard.press("Enter"))


def assert_accessible(page, where: str) -> None:
    violations = run_axe(page)
    assert not violations, f"{where}:\n{describe(violations)}"


WORDS = {
    "en": {"register": "Register", "cancel": "Cancel my registration", "join": "Join the waiting list",
           "leave": "Leave the waiting list", "registered": "You are registered", "left": "You have left"},
    "fr": {"register": "M'inscrire", "cancel": "Annuler mon inscription", "join": "M'inscrire sur la liste",
           "leave": "Quitter la liste", "registered": "Votre inscription est confirmée", "left": "Vous avez quitté"},
}


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_keyboard_and_htmx_registration_journey(quality_site, new_page, lang):
    words = WORDS[lang]
    session_id, full_id = quality_site.sample["session_id"], quality_site.sample["full_session_id"]
    page = new_page()
    sign_in(page, quality_site, lang, make_member(quality_site, lang), session_id)
    assert page.evaluate(STATE) == "open"
    beside = {"en": "(", "fr": ", soit "}[lang]  # "7:00 p.m. ET (8:30 p.m. NT)" / "19 h (HE), soit 20 h 30 (HT)"
    assert page.locator("time").first.inner_text().count(beside) == 1, "Newfoundland time beside Eastern"

    places_before = page.locator("#session-places").inner_text()
    tab_to(page, words["register"])
    press_enter_and_settle(page)
    assert page.evaluate(STATE) == "registered"
    assert page.locator("#session-places").inner_text() != places_before, "the places count follows the swap"
    assert "registration-status" in page.evaluate(FOCUSED)["cls"], "focus moves to the new status"
    page.wait_for_function(f"() => document.getElementById('announcer').textContent.startsWith({words['registered']!r})")
    assert page.locator("#registration-panel .zoom-link a").inner_text().startswith("https://zoom.example.invalid/")
    assert page.url.endswith(f"/{lang}/sessions/{session_id}"), "no navigation: the panel was swapped"
    assert_accessible(page, f"registered panel ({lang})")

    tab_to(page, words["cancel"])
    press_enter_and_settle(page)
    assert page.evaluate(STATE) == "open"
    assert page.locator(".zoom-link").count() == 0

    page.goto(f"{quality_site.url}/{lang}/sessions/{full_id}")
    assert page.evaluate(STATE) == "full"
    tab_to(page, words["join"])
    press_enter_and_settle(page)
    assert page.evaluate(STATE) == "waitlisted" and "(position 1)" in page.locator("#registration-panel").inner_text()
    assert page.locator(".zoom-link").count() == 0
    assert_accessible(page, f"waitlisted panel ({lang})")
    tab_to(page, words["leave"])
    press_enter_and_settle(page)
    assert page.evaluate(STATE) == "full"
    page.wait_for_function(f"() => document.getElementById('announcer').textContent.startsWith({words['left']!r})")


@pytest.mark.browser
def test_registration_journey_without_javascript(quality_site, new_page):
    session_id = quality_site.sample["session_id"]
    page = new_page(java_script_enabled=False)
    sign_in(page, quality_site, "en", make_member(quality_site, "en", province="ON"), session_id)
    panel = page.locator("#registration-panel")
    assert panel.get_attribute("data-state") == "open"
    with page.expect_navigation():
        page.click("#registration-panel button[type=submit]")
    assert page.url.endswith(f"/en/sessions/{session_id}")
    assert panel.get_attribute("data-state") == "registered"
    assert "You are registered." in page.locator(".flashes").inner_text()
    assert page.locator("#registration-panel .zoom-link a").count() == 1
    with page.expect_navigation():
        page.click("#registration-panel button[type=submit]")
    assert panel.get_attribute("data-state") == "open"
    assert "Your registration is cancelled." in page.locator(".flashes").inner_text()
    assert page.locator(".zoom-link").count() == 0


@pytest.mark.slow
def test_panel_fragment_and_page_are_valid_html_in_every_state(client, post, login, make_session, make_user,
                                                               nu_checker, tmp_path):
    from tests.registrations.registration_helpers import register

    documents = {}
    states = {
        "open": make_session(), "full": make_session(capacity=1), "closed": make_session(starts_at=in_days(0, minutes=-15)),
        "cancelled": make_session(status="cancelled"),
    }
    register(session_id=states["full"].id, user=make_user())
    for lang in ("en", "fr"):
        login(make_user(province="NL", locale=lang))
        for name, session in states.items():
            documents[f"{name}-{lang}"] = client.get(f"/{lang}/sessions/{session.id}").get_data(as_text=True)
            fragment = client.get(f"/{lang}/sessions/{session.id}", headers={"HX-Request": "true"})
            documents[f"{name}-fragment-{lang}"] = nu.wrap_fragment(fragment.get_data(as_text=True), lang)
        for path, name in (("registration", "registered"), ("registration/cancel", "open-again")):
            swapped = post(f"/{lang}/sessions/{states['open'].id}/{path}", {}, headers={"HX-Request": "true"})
            documents[f"{name}-fragment-{lang}"] = nu.wrap_fragment(swapped.get_data(as_text=True), lang)
        swapped = post(f"/{lang}/sessions/{states['full'].id}/registration", {}, headers={"HX-Request": "true"})
        documents[f"waitlisted-fragment-{lang}"] = nu.wrap_fragment(swapped.get_data(as_text=True), lang)
        documents[f"waitlisted-{lang}"] = client.get(f"/{lang}/sessions/{states['full'].id}").get_data(as_text=True)
        documents[f"account-{lang}"] = client.get(f"/{lang}/account").get_data(as_text=True)
        documents[f"feed-created-{lang}"] = post(f"/{lang}/account/calendar-feed", {}).get_data(as_text=True)
    login(make_user(email_verified_at=None))
    documents["unverified-fragment-en"] = nu.wrap_fragment(
        client.get(f"/en/sessions/{states['open'].id}", headers={"HX-Request": "true"}).get_data(as_text=True), "en")
    assert 'data-state="waitlisted"' in documents["waitlisted-en"]
    errors = {name: found for name, found in nu.check(documents, tmp_path).items() if found}
    assert not errors, errors
