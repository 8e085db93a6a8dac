"""Issue 14: an unverified account cannot squat a CMA ID. Uniqueness holds among verified accounts, checked when an
address is confirmed (and by a partial unique index), and unconfirmed accounts expire after 7 days."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

import portal.clock as clock
from portal.accounts import emails
from portal.accounts.models import User
from portal.accounts.profile import expire_unverified
from portal.extensions import utcnow
from tests.accounts.conftest import link_in, signup_form


def _fresh(db):
    db.rollback()
    db.expire_all()


def test_an_unverified_account_blocks_no_one(post, client, db, make_user, outbox, email_of):
    squatter = make_user(email="squatter@example.org", cma_id="4815162", email_verified_at=None)
    post("/en/account/signup", signup_form(email="real.physician@example.org", cma_id="4815162"))
    _fresh(db)
    physician = db.exec(select(User).where(User.email == "real.physician@example.org")).one()
    assert outbox(emails.ALREADY_REGISTERED) == []  # nothing goes to the squatter
    [verify] = outbox(emails.VERIFY_EMAIL)
    assert verify.recipient_email == physician.email
    assert client.get(link_in(email_of(verify), "/account/verify/")).status_code == 302
    _fresh(db)
    assert db.get(User, physician.id).is_verified
    assert not db.get(User, squatter.id).is_verified


@pytest.mark.parametrize(("lang", "words"), [("en", "a confirmed account already uses the CMA ID"),
                                             ("fr", "un compte confirmé utilise déjà le numéro de l’AMC")])
def test_verification_refuses_a_cma_id_a_verified_account_holds_and_says_why(app, db, make_user, outbox, email_of,
                                                                             lang, words):
    late = make_user(email="late@example.org", cma_id="2718281", email_verified_at=None, locale=lang)
    owner = make_user(email="owner@example.org", cma_id="2718281")
    with app.test_request_context():
        from portal.accounts import tokens
        link = f"/{lang}/account/verify/{tokens.make_verify_token(late)}"
    response = app.test_client().get(link)
    assert response.status_code == 409
    assert words in response.get_data(as_text=True).replace("&#39;", "’").replace("'", "’")
    _fresh(db)
    assert not db.get(User, late.id).is_verified
    [told] = outbox(emails.ALREADY_REGISTERED)
    assert told.recipient_email == owner.email  # the owner hears that someone tried


def test_the_database_refuses_two_verified_accounts_with_one_cma_id_but_not_unverified_ones(db, make_user):
    make_user(cma_id="3141592", email_verified_at=None)
    make_user(cma_id="3141592", email_verified_at=None)
    make_user(cma_id="3141592")
    with pytest.raises(IntegrityError):
        make_user(cma_id="3141592")
    db.rollback()


def test_a_password_reset_does_not_verify_a_squatted_cma_id(app, db, make_user, outbox, email_of):
    squatter = make_user(email="sq@example.org", cma_id="1618033", email_verified_at=None)
    make_user(email="holder@example.org", cma_id="1618033")
    client = app.test_client()
    from tests.accounts.test_signins_and_limits import _token
    client.post("/en/account/reset", data={"csrf_token": _token(client, "/en/account/reset"), "email": squatter.email})
    link = link_in(email_of(outbox(emails.PASSWORD_RESET)[-1]), "/account/reset/")
    response = client.post(link, data={"csrf_token": _token(client, link), "password": "a long new passphrase"})
    assert response.status_code == 302  # the password changes, not a 500
    _fresh(db)
    assert not db.get(User, squatter.id).is_verified


def test_unverified_accounts_expire_after_seven_days_on_the_clock(app, db, make_user):
    now = utcnow()
    old = make_user(email_verified_at=None, created_at=now - timedelta(days=7, minutes=1))
    young = make_user(email_verified_at=None, created_at=now - timedelta(days=6, hours=23))
    veteran = make_user(created_at=now - timedelta(days=400))
    old_id, young_id, veteran_id = old.id, young.id, veteran.id
    assert "expire unconfirmed accounts" in [job.name for job in clock.jobs(app)]
    results = clock.tick(app)
    assert results["expire unconfirmed accounts"] == 1
    _fresh(db)
    assert db.get(User, old_id) is None
    assert db.get(User, young_id) is not None and db.get(User, veteran_id) is not None
    assert expire_unverified(db) == 0
