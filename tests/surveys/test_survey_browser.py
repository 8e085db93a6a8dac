"""The survey in a real browser: answered with the keyboard only, and without JavaScript, in both languages; the
link then leads to the "already answered" page."""
from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from sqlmodel import select

from portal.extensions import db, utcnow
from portal.sessions.models import SupportSession
from portal.surveys.invitations import eastern_day, hash_token
from portal.surveys.models import SurveyInvitation, SurveyResponse
from quality.keyboard import FOCUSED, press, tab_to

pytestmark = pytest.mark.browser


def fresh_link(site, lang: str) -> str:
    """A new open survey link to the harness site's session held last week."""
    token = secrets.token_urlsafe(32)
    with site.app.app_context():
        held = db.session.exec(select(SupportSession)
                               .where(SupportSession.title_en == "Peer support: a hard week")).one()
        db.session.add(SurveyInvitation(token_hash=hash_token(token), session_id=held.id,
                                        expires_on=eastern_day(utcnow()) + timedelta(days=3)))
        db.session.commit()
    return f"{site.url}/{lang}/surveys/{token}"


def comments(site) -> list[str]:
    """Every stored comment."""
    with site.app.app_context():
        return list(db.session.exec(select(SurveyResponse.comment)).all())


@pytest.mark.parametrize("lang, thanks, used", [("en", "Thank you", "already been answered"),
                                                ("fr", "Merci", "a déjà reçu une réponse")])
def test_answering_without_javascript(quality_site, no_js_page, lang, thanks, used):
    link = fresh_link(quality_site, lang)
    page = no_js_page
    page.goto(link)
    page.check("#supported-5")
    page.check("#recommend-4")
    page.fill("#comment", f"No-JS answer {lang}")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.locator("h1").inner_text() == thanks
    assert f"No-JS answer {lang}" in comments(quality_site)
    response = page.goto(link)
    assert response.status == 410 and used in page.locator("h1").inner_text()
    assert page.locator("form.survey-form").count() == 0


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_answering_with_the_keyboard_only(quality_site, new_page, lang):
    page = new_page()
    page.goto(fresh_link(quality_site, lang))
    first = tab_to(page, lambda focused: focused["id"].startswith("supported-"))
    assert first["id"] == "supported-0" and first["outline"], "the first radio group takes focus, visibly"
    for _ in range(3):
        focused = press(page, "ArrowDown")  # arrows move within a radio group and choose
    assert focused["id"] == "supported-3" and page.is_checked("#supported-3")
    assert press(page, "Tab")["id"].startswith("facilitation-"), "Tab moves on to the next question"
    focused = tab_to(page, lambda f: f["id"] == "comment")
    assert focused["outline"]
    page.keyboard.type(f"Keyboard answer {lang}")
    submit = press(page, "Tab")
    assert submit["tag"] == "button" and submit["outline"]
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate(FOCUSED)["tag"] in ("body", "main", "a")
    assert f"Keyboard answer {lang}" in comments(quality_site)
