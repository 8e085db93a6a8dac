"""/<lang>/account: profile, email change with re-verification, password, deletion; every route needs sign-in."""
from __future__ import annotations

import pytest
from sqlmodel import select

from portal.accounts import emails
from portal.accounts.models import User
from portal.notifications.models import Notification
from tests.accounts.conftest import link_in
from tests.signin import sign_in_client

OLD_PASSWORD = "correct horse battery staple"  # make_user's

ACCOUNT_ROUTES = [("get", "/en/account"), ("post", "/en/account/profile"), ("post", "/en/account/email"),
                  ("post", "/en/account/password"), ("post", "/en/account/delete")]


@pytest.mark.parametrize(("method", "path"), ACCOUNT_ROUTES)
def test_every_account_route_needs_a_signed_in_member(post, client, method, path):
    response = client.get(path) if method == "get" else post(path, {})
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


@pytest.mark.parametrize(("method", "path"), ACCOUNT_ROUTES[1:])
def test_account_posts_without_csrf_are_refused(client, login, make_user, method, path):
    login(make_user())
    assert client.post(path, data={}).status_code == 400


def test_profile_update_switches_language(post, client, login, make_user, db):
    user = login(make_user())
    response = post("/en/account/profile", {"first_name": "Zoë", "last_name": "Tremblay", "province": "QC",
                                            "locale": "fr"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/fr/account")
    db.rollback()
    db.expire_all()
    user = db.get(User, user.id)
    assert (user.first_name, user.province, user.locale) == ("Zoë", "QC", "fr")


@pytest.mark.parametrize("data", [{}, {"first_name": "x" * 10_000, "last_name": "y", "province": "ZZ", "locale": "de"},
                                  {"first_name": "<script>", "last_name": "\u0000", "province": "ON", "locale": "en"}])
def test_bad_profile_input_is_shown_with_errors(post, login, make_user, data):
    login(make_user())
    response = post("/en/account/profile", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'class="error-summary"' in html and "<script>" not in html


def test_email_change_needs_the_new_address_confirmed_then_tells_the_old_one(post, client, login, make_user, db,
                                                                             outbox, email_of, app):
    user = login(make_user(email="old@example.org", locale="fr"))
    other_browser = app.test_client()
    sign_in_client(app, other_browser, user.id)
    wrong = post("/fr/account/email", {"change-email-new_email": "new@example.org",
                                       "change-email-current_password": "not my password"})
    assert "Ce n&#39;est pas votre mot de passe actuel." in wrong.get_data(as_text=True) or \
        "Ce n'est pas votre mot de passe actuel." in wrong.get_data(as_text=True)
    response = post("/fr/account/email", {"change-email-new_email": "New@Example.org",
                                          "change-email-current_password": OLD_PASSWORD})
    assert response.status_code == 302
    db.rollback()
    db.expire_all()
    assert db.get(User, user.id).email == "old@example.org"  # nothing changes until the link is opened
    [confirm] = outbox(emails.CONFIRM_NEW_EMAIL)
    assert confirm.recipient_email == "new@example.org"
    link = link_in(email_of(confirm), "/account/email/")
    assert client.get(link).status_code == 302
    db.rollback()
    db.expire_all()
    moved = db.get(User, user.id)
    assert moved.email == "new@example.org" and moved.is_verified
    [notice] = outbox(emails.EMAIL_CHANGED)
    assert notice.recipient_email == "old@example.org"
    text = email_of(notice).get_body(("plain",)).get_content()
    assert "n•••@example.org" in text and "new@example.org" not in text
    assert client.get("/fr/account").status_code == 200  # this browser stays signed in
    assert other_browser.get("/fr/account").status_code == 302  # every other session has ended
    assert client.get(link).status_code == 400  # the link works once


def test_email_change_to_a_taken_address_looks_the_same_and_warns_its_owner(post, login, make_user, outbox):
    owner = make_user(email="taken@example.org")
    login(make_user(email="me@example.org"))
    response = post("/en/account/email", {"change-email-new_email": "taken@example.org",
                                          "change-email-current_password": OLD_PASSWORD})
    assert response.status_code == 302
    assert outbox(emails.CONFIRM_NEW_EMAIL) == []
    [warning] = outbox(emails.ALREADY_REGISTERED)
    assert warning.user_id == owner.id


def test_password_change_checks_the_current_one_and_the_rules(post, login, make_user):
    login(make_user())
    wrong = post("/en/account/password", {"change-password-current_password": "nope",
                                          "change-password-new_password": "a brand new passphrase"})
    assert "That is not your current password." in wrong.get_data(as_text=True)
    weak = post("/en/account/password", {"change-password-current_password": OLD_PASSWORD,
                                         "change-password-new_password": "password1234"})
    assert "list of common passwords" in weak.get_data(as_text=True)
    assert "password1234" not in weak.get_data(as_text=True)


def test_deleting_the_account_needs_the_password_and_removes_personal_data(post, client, login, make_user, db,
                                                                           make_session):
    from portal.registrations.models import Registration

    user = login(make_user(email="gone@example.org"))
    keep = make_user(email="stays@example.org")
    session = make_session()
    db.add(Registration(session_id=session.id, user_id=user.id, status="confirmed"))
    db.add(Notification(kind="account.verify_email", recipient_email="gone@example.org", user_id=user.id,
                        dedupe_key="mine"))
    db.add(Notification(kind="account.verify_email", recipient_email="stays@example.org", user_id=keep.id,
                        dedupe_key="theirs"))
    db.commit()
    refused = post("/en/account/delete", {"delete-password": "wrong one"})
    assert refused.status_code == 200 and "That is not your password." in refused.get_data(as_text=True)
    response = post("/en/account/delete", {"delete-password": OLD_PASSWORD})
    assert response.status_code == 302
    db.rollback()
    db.expire_all()
    assert db.exec(select(User.email)).all() == ["stays@example.org"]
    assert db.exec(select(Registration)).all() == []
    assert [n.dedupe_key for n in db.exec(select(Notification)).all()] == ["theirs"]
    assert client.get("/en/account").status_code == 302  # signed out


def test_account_deleting_is_sent_to_this_apps_receivers_before_the_row_goes(app, app_config, post, login,
                                                                             make_user):
    from portal import create_app
    from portal.accounts.signals import account_deleting

    seen = []

    def _remember(_app, *, db, user):
        seen.append((user.email, db.get(User, user.id) is not None))

    def _elsewhere(_app, **_kwargs):
        seen.append("another app's receiver")

    other_app = create_app(app_config)
    account_deleting.connect(_remember, sender=app)
    account_deleting.connect(_elsewhere, sender=other_app)
    try:
        login(make_user(email="hooked@example.org"))
        post("/en/account/delete", {"delete-password": OLD_PASSWORD})
    finally:
        account_deleting.disconnect(_remember, sender=app)
        account_deleting.disconnect(_elsewhere, sender=other_app)
    assert seen == [("hooked@example.org", True)]


def test_password_reset_flow_single_use_and_silent_for_unknown_addresses(post, client, make_user, outbox, email_of,
                                                                         db):
    user = make_user(email="forgot@example.org", email_verified_at=None)
    known = post("/en/account/reset", {"email": "forgot@example.org"})
    unknown = post("/en/account/reset", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    [row] = outbox(emails.PASSWORD_RESET)
    link = link_in(email_of(row), "/account/reset/")
    assert "name=\"password\"" in client.get(link).get_data(as_text=True)
    weak = post(link, {"password": "short"})
    assert "Use at least 12 characters." in weak.get_data(as_text=True)
    done = post(link, {"password": "a fresh start for me"})
    assert done.status_code == 302
    db.rollback()
    db.expire_all()
    assert db.get(User, user.id).is_verified  # the link proved the address
    assert post(link, {"password": "another try again"}).status_code == 400  # used
    login = post("/en/account/login", {"email": "forgot@example.org", "password": "a fresh start for me"})
    assert login.status_code == 302


@pytest.mark.parametrize("token", ["nonsense", "x" * 600, "eyJ1IjoxfQ.AAAA.BBBB"])
def test_bad_reset_and_email_change_links(client, token):
    assert "This link is not valid" in client.get(f"/en/account/reset/{token}").get_data(as_text=True)
    assert client.get(f"/en/account/email/{token}").status_code == 400


def test_expired_reset_link(client, make_user):
    import time

    from itsdangerous.timed import TimestampSigner

    from portal.accounts import tokens

    user = make_user()
    with client.application.test_request_context(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda _self: int(time.time()) - 2 * 3600)
        token = tokens.make_reset_token(user)
    assert "This link has expired." in client.get(f"/en/account/reset/{token}").get_data(as_text=True)
