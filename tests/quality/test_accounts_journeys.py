"""The account journeys with JavaScript off (one test each: sign-up to first sign-in through the emailed link,
sign-in and sign-out, password reset), and the sign-up form used with the keyboard alone."""
from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path

import pytest
from sqlmodel import select

from quality.keyboard import FOCUSED, press, tab_to
from quality.site import MEMBER_EMAIL, MEMBER_PASSWORD

pytestmark = pytest.mark.browser


def emailed_links(site, recipient: str, kind: str) -> list[str]:
    """Deliver the newest `kind` email to `recipient` as the worker would (an .eml in the site's outbox folder),
    and return the links in its plain-text part."""
    from portal.extensions import db
    from portal.notifications.delivery import deliver
    from portal.notifications.models import Notification

    with site.app.app_context():
        notification = db.session.exec(
            select(Notification).where(Notification.recipient_email == recipient, Notification.kind == kind)
            .order_by(Notification.id.desc())).first()
        assert notification is not None, f"no {kind} email was queued for {recipient}"
        assert deliver(notification.id) == "sent"
        outbox = Path(site.app.config["PORTAL_OUTBOX_DIR"])
    [eml] = outbox.glob(f"{notification.id:06d}-*.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert message["To"] == recipient
    return re.findall(r"https?://\S+", message.get_body(("plain",)).get_content())


def link_to(links: list[str], site, fragment: str) -> str:
    """The one link that leads back to the harness site and contains `fragment`."""
    [link] = [link for link in links if link.startswith(site.url) and fragment in link]
    return link


def submit(page, button: str) -> None:
    """Press a form's button and wait for the full page load that answers it."""
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def flashes(page) -> str:
    return page.locator(".flashes").inner_text() if page.locator(".flashes").count() else ""


def test_signup_journey(quality_site, no_js_page):
    page = no_js_page
    address = "journey.signup@example.org"
    page.goto(f"{quality_site.url}/en/")
    with page.expect_navigation():
        page.get_by_role("link", name="Create account").click()
    submit(page, "Create my account")
    assert page.locator(".error-summary").count() == 1, "an empty form is refused with a summary"
    page.fill("#first_name", "Jordan")
    page.fill("#last_name", "Okafor")
    page.fill("#email", address)
    page.fill("#password", "lantern harbour biscuit")
    page.fill("#cma_id", "55500011")
    page.select_option("#category", "fellow")
    page.select_option("#province", "MB")
    page.check("#accept_rules")
    submit(page, "Create my account")
    assert page.locator("h1").inner_text() == "Check your email"
    assert address in page.locator(".lead").inner_text()

    page.goto(link_to(emailed_links(quality_site, address, "account.verify_email"), quality_site, "/verify/"))
    assert "/en/account/login" in page.url
    assert "your email address is confirmed" in flashes(page)
    assert page.input_value("#email") == address, "the address is filled in for the first sign-in"
    page.fill("#password", "lantern harbour biscuit")
    submit(page, "Sign in")
    assert page.url.endswith("/en/account")
    assert page.locator("h1").inner_text() == "My account"
    assert page.locator("#verify-heading").count() == 0, "the address is confirmed: no banner"


def test_sign_in_and_out_journey(quality_site, no_js_page):
    page = no_js_page
    page.goto(f"{quality_site.url}/fr/account")
    assert "/fr/account/login" in page.url and "next=" in page.url, "the account page needs a sign-in"
    assert "Veuillez vous connecter pour continuer." in flashes(page)
    page.fill("#email", MEMBER_EMAIL)
    page.fill("#password", "pas le bon mot de passe")
    submit(page, "Se connecter")
    assert page.locator(".error-summary").count() == 1 and page.input_value("#email") == MEMBER_EMAIL
    page.fill("#password", MEMBER_PASSWORD)
    submit(page, "Se connecter")
    assert page.url.endswith("/fr/account"), "`next` brought the member back where they were going"
    assert page.locator("h1").inner_text() == "Mon compte"

    submit(page, "Se déconnecter")
    assert "Votre session est fermée." in flashes(page)
    assert page.get_by_role("link", name="Se connecter").count() == 1
    page.goto(f"{quality_site.url}/fr/account")
    assert "/fr/account/login" in page.url, "signed out for real"


def test_password_reset_journey(quality_site, no_js_page):
    from portal.accounts.cli import create_verified_user
    from portal.extensions import db

    address = "journey.reset@example.org"
    with quality_site.app.app_context():
        create_verified_user(email=address, password="forgotten old password", cma_id="55500012")
        db.session.commit()
    page = no_js_page
    page.goto(f"{quality_site.url}/en/account/login")
    with page.expect_navigation():
        page.get_by_role("link", name="Forgot your password?").click()
    page.fill("#email", address)
    submit(page, "Send me a link")
    assert f"If an account uses {address}, we sent it a link" in flashes(page)

    page.goto(link_to(emailed_links(quality_site, address, "account.password_reset"), quality_site, "/reset/"))
    assert page.locator("h1").inner_text() == "Choose a new password"
    page.fill("#password", "copper meadow lighthouse")
    submit(page, "Save my new password")
    assert "Your new password is saved" in flashes(page)
    page.fill("#password", "copper meadow lighthouse")
    submit(page, "Sign in")
    assert page.url.endswith("/en/account")


SIGNUP_ORDER = ["first_name", "last_name", "email", "password", "cma_id", "category", "province", "locale-0",
                "Read the rules of engagement", "accept_rules", "Create my account"]


def test_signup_form_with_the_keyboard_alone(quality_site, new_page):
    page = new_page()
    page.goto(f"{quality_site.url}/en/account/signup")
    stops = [tab_to(page, lambda focused: focused["id"] == "first_name")]
    while stops[-1]["text"] != "Create my account":
        stops.append(press(page, "Tab"))
        assert len(stops) < 20, "Tab never reached the submit button"
    assert [stop["id"] or stop["text"] for stop in stops] == SIGNUP_ORDER
    hidden = [stop for stop in stops if not (stop["outline"] and stop["onScreen"])]
    assert not hidden, f"focus not visible on {hidden}"

    with page.expect_navigation():
        page.keyboard.press("Enter")  # on the submit button, with nothing filled in
    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert", "the problems are announced"
    assert summary.locator("a").first.get_attribute("href") == "#first_name"
    described = page.locator("#first_name").get_attribute("aria-describedby")
    assert page.locator("#first_name").get_attribute("aria-invalid") == "true"
    assert "first_name-error" in described.split() and page.locator("#first_name-error").inner_text()
    tab_to(page, lambda focused: focused["text"].startswith("First name"))
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["id"] == "last_name", "the summary's link leads the keyboard to the field"
