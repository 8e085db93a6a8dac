"""Issue 14, sessions and sign-in: signing out ends both cookies; sign-in failures are limited per account from
every address, with an emailed one-time link as the owner's way in; a noisy machine behind a shared address does
not lock a colleague out; no address travels in a URL; the email budget counts only requests that may send."""
from __future__ import annotations

import pytest
from sqlmodel import select

from portal.accounts import emails
from portal.accounts.models import SignIn
from portal.accounts.user_loader import load_user
from tests.csrf import page_token
from tests.accounts.conftest import link_in
from tests.signin import sign_in_id

PASSWORD = "correct horse battery staple"


def _token(client, path: str = "/en/account/login") -> str:
    # Signed-in pages carry the meta tag; a visitor's page carries the token only in a form.
    return page_token(client.get(path).get_data(as_text=True)) or page_token(
        client.get("/en/account/login").get_data(as_text=True))


def _sign_in(client, email: str, password: str = PASSWORD, *, remember: bool = False, ip: str = "127.0.0.1",
             lang: str = "en"):
    data = {"csrf_token": _token(client, f"/{lang}/account/login"), "email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return client.post(f"/{lang}/account/login", data=data, environ_base={"REMOTE_ADDR": ip})


def _fresh(db):
    db.rollback()
    db.expire_all()


# ---- Signing out ends the session cookie and the remember-me cookie ----


def test_signing_out_ends_the_session_and_the_remember_cookie_for_good(app, make_user):
    user = make_user()
    browser = app.test_client()
    assert _sign_in(browser, user.email, remember=True).status_code == 302
    session_cookie = browser.get_cookie("session").value
    remember_cookie = browser.get_cookie("remember_token").value
    other_device = app.test_client()
    assert _sign_in(other_device, user.email).status_code == 302

    logout = browser.post("/en/account/logout", data={"csrf_token": _token(browser, "/en/faq")})
    assert logout.status_code == 302

    for name, value in (("session", session_cookie), ("remember_token", remember_cookie)):
        replay = app.test_client()
        replay.set_cookie(name, value)
        response = replay.get("/en/account")
        assert response.status_code == 302 and "/account/login" in response.headers["Location"], name
    assert other_device.get("/en/account").status_code == 200  # signing out ends this browser only


def test_the_remember_cookie_alone_signs_in_until_sign_out(app, make_user):
    user = make_user()
    browser = app.test_client()
    _sign_in(browser, user.email, remember=True)
    only_remember = app.test_client()
    only_remember.set_cookie("remember_token", browser.get_cookie("remember_token").value)
    assert only_remember.get("/en/account").status_code == 200  # the cookie works: the test above can fail


def test_a_password_reset_ends_every_sign_in(app, db, make_user, outbox, email_of):
    user = make_user()
    devices = [app.test_client() for _ in range(2)]
    for device in devices:
        _sign_in(device, user.email, remember=True)
    visitor = app.test_client()
    visitor.post("/en/account/reset", data={"csrf_token": _token(visitor, "/en/account/reset"),
                                            "email": user.email})
    [row] = outbox(emails.PASSWORD_RESET)
    link = link_in(email_of(row), "/account/reset/")
    visitor.post(link, data={"csrf_token": _token(visitor, link), "password": "a completely new passphrase"})
    for device in devices:
        assert device.get("/en/account").status_code == 302
    _fresh(db)
    assert db.exec(select(SignIn).where(SignIn.user_id == user.id)).all() == []


def test_the_user_loader_is_one_query_and_refuses_a_missing_sign_in(app, db, make_user, query_counter):
    user = make_user()
    identity = sign_in_id(app, user.id)
    with app.test_request_context("/en/account"):
        query_counter.clear()
        assert load_user(identity).id == user.id
        assert len([sql for sql in query_counter if sql.lstrip().upper().startswith("SELECT")]) == 1
        assert load_user(f"{user.id}:not-a-sign-in") is None
        assert load_user(f"{user.id}") is None
        assert load_user("99999999999999999999999:x") is None


# ---- Per-account limit across addresses, the emailed link, the colleague behind the same NAT ----


def test_ten_failures_from_ten_addresses_pause_sign_in_for_that_account_everywhere(app, make_user):
    user = make_user()
    attacker = app.test_client()
    codes = [_sign_in(attacker, user.email, "wrong password!", ip=f"10.0.0.{n}").status_code for n in range(10)]
    assert codes == [200] * 10
    late = _sign_in(app.test_client(), user.email, "wrong password!", ip="10.9.9.9")
    assert late.status_code == 429
    assert "/account/login/link" in late.get_data(as_text=True)  # the page offers the emailed link
    owner = _sign_in(app.test_client(), user.email, PASSWORD, ip="192.168.1.20")  # even the right password
    assert owner.status_code == 429
    other = make_user()
    assert _sign_in(app.test_client(), other.email, PASSWORD, ip="10.0.0.1").status_code == 302


@pytest.mark.parametrize(("lang", "subject"), [("en", "Your sign-in link"), ("fr", "Votre lien de connexion")])
def test_the_owner_gets_in_with_a_one_time_emailed_link(app, db, make_user, outbox, email_of, lang, subject):
    user = make_user(locale=lang)
    for n in range(11):
        _sign_in(app.test_client(), user.email, "wrong password!", ip=f"10.1.0.{n}")
    owner = app.test_client()
    page = owner.get(f"/{lang}/account/login/link")
    assert page.status_code == 200
    sent = owner.post(f"/{lang}/account/login/link", data={"csrf_token": _token(owner, f"/{lang}/account/login/link"),
                                                           "email": user.email})
    assert sent.status_code == 302 and "@" not in sent.headers["Location"]
    [row] = outbox(emails.LOGIN_LINK)
    message = email_of(row)
    assert message["Subject"] == subject
    link = link_in(message, "/account/login/link/")
    assert owner.get(link).status_code == 200  # GET shows a button; a mail scanner spends nothing
    signed_in = owner.post(link, data={"csrf_token": _token(owner, link)})
    assert signed_in.status_code == 302 and signed_in.headers["Location"].endswith(f"/{lang}/account")
    assert owner.get(f"/{lang}/account").status_code == 200
    again = app.test_client()
    reused = again.post(link, data={"csrf_token": _token(again, link)})
    assert reused.status_code == 400  # single use
    assert again.get(f"/{lang}/account").status_code == 302


def test_the_link_request_answers_the_same_for_unknown_addresses(client, outbox):
    response = client.post("/en/account/login/link", data={"csrf_token": _token(client, "/en/account/login/link"),
                                                           "email": "nobody@example.org"})
    assert response.status_code == 302
    assert outbox(emails.LOGIN_LINK) == []


def test_a_noisy_machine_behind_the_nat_does_not_lock_out_a_colleague(app, make_user):
    colleague = make_user()
    colleague_browser = app.test_client()
    assert _sign_in(colleague_browser, colleague.email, ip="203.0.113.7").status_code == 302
    colleague_browser.post("/en/account/logout", data={"csrf_token": _token(colleague_browser, "/en/faq")})
    noisy = app.test_client()
    codes = [_sign_in(noisy, f"target{n}@example.org", "wrong password!", ip="203.0.113.7").status_code
             for n in range(101)]
    assert codes[:100] == [200] * 100 and codes[100] == 429  # the address-wide limit is real
    assert _sign_in(colleague_browser, colleague.email, ip="203.0.113.7").status_code == 302


# ---- No address in URLs ----


def test_no_address_in_the_url_after_verification_reset_or_email_change(app, db, make_user, outbox, email_of):
    unverified = make_user(email="new.member@example.org", email_verified_at=None)
    visitor = app.test_client()
    visitor.post("/en/account/verify/resend", data={"csrf_token": _token(visitor, "/en/account/check-email"),
                                                    "email": unverified.email})
    verify = visitor.get(link_in(email_of(outbox(emails.VERIFY_EMAIL)[-1]), "/account/verify/"))
    _fresh(db)

    member = make_user(email="reset.me@example.org")
    visitor.post("/en/account/reset", data={"csrf_token": _token(visitor, "/en/account/reset"), "email": member.email})
    reset_link = link_in(email_of(outbox(emails.PASSWORD_RESET)[-1]), "/account/reset/")
    reset = visitor.post(reset_link, data={"csrf_token": _token(visitor, reset_link),
                                           "password": "another long passphrase"})
    _fresh(db)

    mover = make_user(email="mover@example.org")
    signed_in = app.test_client()
    _sign_in(signed_in, mover.email)
    signed_in.post("/en/account/email", data={"csrf_token": _token(signed_in, "/en/account"),
                                              "change-email-new_email": "moved@example.org",
                                              "change-email-current_password": PASSWORD})
    change_link = link_in(email_of(outbox(emails.CONFIRM_NEW_EMAIL)[-1]), "/account/email/")
    moved = app.test_client().get(change_link)  # opened in another browser: it asks to sign in

    for response, address in ((verify, unverified.email), (reset, member.email), (moved, "moved@example.org")):
        location = response.headers["Location"]
        assert response.status_code == 302 and "/account/login" in location
        assert "@" not in location and "email=" not in location and "%40" not in location
    # The convenience stays, in the session: the form is filled in for the same browser.
    assert 'value="reset.me@example.org"' in visitor.get("/en/account/login").get_data(as_text=True)


# ---- The email budget counts only requests that may send one ----


def test_a_signed_in_member_posting_to_signup_spends_no_email_budget(client, login, make_user):
    login(make_user())
    token = _token(client, "/en/faq")
    codes = [client.post("/en/account/signup", data={"csrf_token": token, "email": "x@example.org"}).status_code
             for _ in range(12)]
    assert set(codes) == {302}


def test_a_verified_member_asking_for_a_verification_link_spends_nothing(client, login, make_user):
    login(make_user())
    token = _token(client, "/en/faq")
    codes = [client.post("/en/account/verify/resend", data={"csrf_token": token}).status_code for _ in range(12)]
    assert set(codes) == {302}


def test_the_table_holds_no_key_a_cookie_could_carry(app, db, make_user):
    user = make_user()
    identity = sign_in_id(app, user.id)
    _fresh(db)
    [row] = db.exec(select(SignIn).where(SignIn.user_id == user.id)).all()
    assert row.key != identity.partition(":")[2] and len(row.key) == 64
