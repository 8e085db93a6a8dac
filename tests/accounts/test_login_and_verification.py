"""Verification links, sign-in (remember me, safe `next`), sign-out, and sessions ending on credential changes."""
from __future__ import annotations

import time

import pytest
from itsdangerous.timed import TimestampSigner

from portal.accounts import emails, tokens
from portal.accounts.models import User
from tests.accounts.conftest import PASSWORD, link_in, signup_form
from tests.signin import sign_in_client


@pytest.fixture
def signed_up(post, db, outbox, email_of):
    """Sign up through the form; returns (user, path of the verification link)."""

    def _signup(lang="en", **fields):
        post(f"/{lang}/account/signup", signup_form(locale=lang, **fields))
        [row] = outbox(emails.VERIFY_EMAIL)
        user = db.get(User, row.user_id)
        return user, link_in(email_of(row), "/account/verify/")

    return _signup


def signed_ago(seconds: int, make, *args):
    """A token made by `make(*args)` as if it had been signed `seconds` ago."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda _self: int(time.time()) - seconds)
        return make(*args)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_verification_link_works_once(client, db, signed_up, lang):
    user, link = signed_up(lang)
    assert link.startswith(f"/{lang}/account/verify/")
    first = client.get(link)
    assert first.status_code == 302 and f"/{lang}/account/login" in first.headers["Location"]
    db.rollback()
    db.expire_all()
    assert user.is_verified
    again = client.get(link)
    assert again.status_code == 200
    assert ("already been used" if lang == "en" else "déjà été utilisé") in again.get_data(as_text=True)


@pytest.mark.parametrize("token", ["", "garbage", "a" * 5000, "eyJ1IjoxfQ.AAAA.BBBB", "../../etc/passwd",
                                   "%00", "<script>"])
def test_malformed_verification_links_are_explained(client, token):
    response = client.get(f"/en/account/verify/{token}")
    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert "This link is not valid" in response.get_data(as_text=True)


def test_expired_verification_link_offers_a_new_one(client, db, make_user):
    user = make_user(email_verified_at=None)
    with client.application.test_request_context():
        token = signed_ago(int(tokens.VERIFY_MAX_AGE.total_seconds()) + 60, tokens.make_verify_token, user)
    response = client.get(f"/fr/account/verify/{token}")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Ce lien est expiré." in html and "Renvoyer le lien" in html
    db.rollback()
    db.expire_all()
    assert not user.is_verified


def test_a_token_for_one_purpose_does_not_work_for_another(client, make_user):
    user = make_user(email_verified_at=None)
    with client.application.test_request_context():
        reset_token = tokens.make_reset_token(user)
    assert client.get(f"/en/account/verify/{reset_token}").status_code == 400


def test_resend_is_silent_about_unknown_addresses_and_rate_limited(post, make_user, outbox):
    make_user(email="waiting@example.org", email_verified_at=None)
    known = post("/en/account/verify/resend", {"email": "waiting@example.org"})
    unknown = post("/en/account/verify/resend", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert len(outbox(emails.VERIFY_EMAIL)) == 1
    statuses = [post("/en/account/verify/resend", {"email": "waiting@example.org"}).status_code for _ in range(3)]
    assert statuses[-1] == 429
    limited = post("/en/account/verify/resend", {"email": "waiting@example.org"})
    assert "Too many attempts" in limited.get_data(as_text=True) and limited.headers.get("Retry-After")
    assert post("/en/account/verify/resend", {"email": "someone.else@example.org"}).status_code == 302


def test_unverified_members_can_sign_in_but_see_they_must_verify(post, client, signed_up):
    signed_up()
    response = post("/en/account/login", {"email": "ann.lee@example.org", "password": PASSWORD})
    assert response.status_code == 302
    html = client.get("/en/account").get_data(as_text=True)
    assert "Confirm your email address" in html and "Send the link again" in html
    assert "Please confirm your email address to register for sessions." in client.get("/en/").get_data(
        as_text=True)


@pytest.mark.parametrize(("email", "password"), [("ann.lee@example.org", "wrong password here"),
                                                 ("nobody@example.org", PASSWORD), ("", ""),
                                                 ("x" * 10_000, "y" * 10_000), ("' OR 1=1 --", "' OR 1=1 --")])
def test_failed_sign_in_says_so_without_saying_which_part(post, make_user, email, password):
    make_user(email="ann.lee@example.org")
    response = post("/en/account/login", {"email": email, "password": password})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is 1 problem" in html or "There are 2 problems" in html
    assert "y" * 200 not in html


@pytest.mark.parametrize(("next_url", "safe"), [
    ("/en/sessions?format=drop_in", True), ("//evil.example", False), ("https://evil.example/", False),
    ("/\\evil.example", False), ("\\\\evil.example", False), ("/%09/evil.example", True),
    ("/\t/evil.example", False), ("javascript:alert(1)", False), ("http:/evil.example", False), ("", False),
])
def test_next_only_goes_to_our_own_paths(post, make_user, next_url, safe):
    make_user(email="ann.lee@example.org")
    response = post("/en/account/login", {"email": "ann.lee@example.org", "password": "correct horse battery staple",
                                          "next": next_url})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location == (next_url if safe else "/en/account")


def test_login_page_carries_next_from_the_query(client):
    html = client.get("/en/account/login?next=/en/sessions").get_data(as_text=True)
    assert 'name="next" type="hidden" value="/en/sessions"' in html


def test_remember_me_sets_a_lasting_cookie(post, client, make_user):
    make_user(email="ann.lee@example.org")
    post("/en/account/login", {"email": "ann.lee@example.org", "password": "correct horse battery staple",
                               "remember": "y"})
    assert client.get_cookie("remember_token") is not None


def test_logout_is_a_post(client, post, login, make_user):
    login(make_user())
    assert client.get("/en/account/logout").status_code == 405
    assert client.post("/en/account/logout").status_code == 400  # no CSRF token: refused
    assert post("/en/account/logout", {}).status_code == 302
    assert client.get("/en/account").status_code == 302


def test_login_rate_limit_counts_failures_per_address_only(post, make_user):
    make_user(email="ann.lee@example.org")
    codes = [post("/en/account/login", {"email": "ann.lee@example.org", "password": "wrong password!"}).status_code
             for _ in range(11)]
    assert codes[:10] == [200] * 10 and codes[10] == 429
    other = post("/en/account/login", {"email": "someone@example.org", "password": "wrong password!"})
    assert other.status_code == 200  # another address from the same IP is not locked out


def test_changing_the_password_ends_other_sessions(app, post, client, make_user, login):
    user = make_user(email="ann.lee@example.org")
    other = app.test_client()
    sign_in_client(app, other, user.id)
    assert other.get("/en/account").status_code == 200
    login(user)
    response = post("/en/account/password", {"change-password-current_password": "correct horse battery staple",
                                             "change-password-new_password": "a brand new passphrase"})
    assert response.status_code == 302
    assert client.get("/en/account").status_code == 200  # this browser stays signed in
    assert other.get("/en/account").status_code == 302  # the other one is signed out
