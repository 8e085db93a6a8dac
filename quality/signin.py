"""Signing in as a person does, for the checks that look at pages behind the login: through the real form.

A browser fills and submits /en/account/login; a Flask test client GETs the form and POSTs it back with the CSRF
token the page carried. Either way the session cookie comes from the login view itself, never forged.
"""
from __future__ import annotations

import re

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The CSRF token of the first form in a page."""
    match = CSRF_FIELD.search(html)
    if match is None:
        raise AssertionError("the page has no form with a CSRF token")
    return match.group(1)


def sign_in_page(page, base_url: str, email: str, password: str, lang: str = "en") -> None:
    """Sign in through the login form in an open page; fails unless the account page follows."""
    page.goto(f"{base_url}/{lang}/account/login")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    if "/account/login" in page.url:
        raise AssertionError(f"signing in as {email} failed: still on {page.url}")


def sign_in_browser(browser, base_url: str, email: str, password: str) -> dict:
    """The storage state (cookies) of a fresh browser context signed in as `email`."""
    context = browser.new_context()
    try:
        sign_in_page(context.new_page(), base_url, email, password)
        return context.storage_state()
    finally:
        context.close()


def sign_in_client(client, email: str, password: str) -> None:
    """Sign a Flask test client in by posting the login form with the token the form carried."""
    form = client.get("/en/account/login").get_data(as_text=True)
    response = client.post("/en/account/login", data={
        "csrf_token": csrf_token(form), "email": email, "password": password})
    if response.status_code != 302 or "/account/login" in response.headers.get("Location", ""):
        raise AssertionError(f"signing in as {email} failed ({response.status_code})")


def submit_with_client(client, path: str, action: str, fields: dict[str, str]):
    """GET `path`, then POST `fields` (plus the page's CSRF token) to `action`, as the form there would."""
    page = client.get(path).get_data(as_text=True)
    return client.post(action, data={"csrf_token": csrf_token(page), **fields}, follow_redirects=True)
