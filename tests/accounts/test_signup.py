"""Sign-up: validation in both languages, never revealing existing accounts, and the verification email."""
from __future__ import annotations

import logging
import re
from html import unescape

import pytest
from sqlmodel import select

from portal.accounts import emails
from portal.accounts.models import User
from tests.accounts.conftest import PASSWORD, errors_in, signup_form


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_signup_page_explains_eligibility_and_has_the_fixed_fields(client, lang):
    html = client.get(f"/{lang}/account/signup").get_data(as_text=True)
    for name in ("first_name", "last_name", "email", "password", "cma_id", "category", "province", "locale",
                 "accept_rules", "csrf_token"):
        assert f'name="{name}"' in html
    assert ("CMA ID" if lang == "en" else "AMC") in html
    assert ("residents" if lang == "en" else "résidents") in html
    assert re.search(rf'<input checked[^>]*name="locale"[^>]*value="{lang}"', html)  # the page's language


def test_signup_creates_an_unverified_account_and_queues_the_verification(post, db, outbox, email_of):
    response = post("/en/account/signup", signup_form(email="  Ann.Lee@Example.ORG ", locale="fr"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/en/account/check-email")
    user = db.exec(select(User)).one()
    assert user.email == "ann.lee@example.org" and not user.is_verified and user.locale == "fr"
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    [row] = outbox()
    assert (row.kind, row.recipient_email, row.locale, row.user_id) == (emails.VERIFY_EMAIL, user.email, "fr",
                                                                        user.id)
    message = email_of(row)
    assert message["Subject"] == "Confirmez votre adresse courriel"
    assert "/fr/account/verify/" in message.get_body(("plain",)).get_content()


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ["Enter your first name.", "Enter your last name.", "Enter your email address.",
            "Choose a password.", "Enter your CMA ID.", "Choose what describes you.",
            "Choose your province or territory.", "Choose English or French.",
            "Please accept the rules of engagement to join."]),
    ("fr", ["Entrez votre prénom.", "Entrez votre nom de famille.", "Entrez votre adresse courriel.",
            "Choisissez un mot de passe.", "Entrez votre numéro d'identification de l'AMC.",
            "Choisissez ce qui vous décrit.", "Choisissez votre province ou territoire.",
            "Choisissez l'anglais ou le français.", "Veuillez accepter les règles de participation pour créer votre compte."]),
])
def test_empty_signup_shows_every_error_beside_its_field_and_in_the_summary(post, outbox, lang, expected):
    response = post(f"/{lang}/account/signup", {})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert errors_in(html) == expected
    assert 'class="error-summary" role="alert"' in html
    for message in expected:
        assert unescape(html).count(message) == 2  # beside the field and in the summary
    assert outbox() == []


def test_typed_values_are_kept_except_the_password(post):
    html = post("/en/account/signup", signup_form(cma_id="12ab", first_name="Zoë <b>")).get_data(as_text=True)
    assert 'value="Zoë &lt;b&gt;"' in html and 'value="12ab"' in html and 'value="ann.lee@example.org"' in html
    assert PASSWORD not in html
    assert "Your CMA ID is 4 to 12 digits, with no letters or spaces." in html


@pytest.mark.parametrize(("password", "message"), [
    ("short pass", "Use at least 12 characters."),
    ("Password2024!", "This password is on a list of common passwords."),
    ("qwertyuiop12", "This password is on a list of common passwords."),
    ("aaaaaaaaaaaaaaaa", "This password would be easy to guess."),
    ("annleeannlee", "This password would be easy to guess."),
    ("ann.lee@example.org", "This password would be easy to guess."),
    ("x" * 129, "Use at most 128 characters."),
])
def test_weak_passwords_are_refused(post, outbox, password, message):
    html = post("/en/account/signup", signup_form(password=password)).get_data(as_text=True)
    assert message in html
    assert f'value="{password}"' not in html or password == signup_form()["email"]  # passwords never echoed
    assert outbox() == []


FIELDS = ["first_name", "last_name", "email", "password", "cma_id", "category", "province", "locale"]


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("value", ["", "x" * 10_000, "名前\u202e\u0000", "a\r\nBcc: victim@example.org"])
def test_empty_overlong_and_control_character_input_is_refused_in_every_field(post, db, field, value):
    response = post("/en/account/signup", signup_form(**{field: value}))
    assert response.status_code == 200, "bad input must re-show the form, never 500 or create an account"
    assert errors_in(response.get_data(as_text=True)), f"no error shown for {field}"
    assert db.exec(select(User)).first() is None


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("value", ["'; DROP TABLE user_account; --", "<script>alert(1)</script>",
                                   "{{ 7*7 }}", "Robert'); DELETE FROM notification;--"])
def test_injection_is_either_refused_or_stored_verbatim_and_escaped(post, client, db, field, value):
    response = post("/en/account/signup", signup_form(**{field: value}))
    # Random CSRF tokens and the hashes in static file names may contain "49" by chance: leave them out before
    # looking for an evaluated {{ 7*7 }}.
    html = re.sub(r'(name="csrf-token" content|name="csrf_token" type="hidden" value|name="csrf_token" value)="[^"]*"',
                  "", response.get_data(as_text=True))
    html = re.sub(r'"/static/[^"]*"', "", html)
    assert response.status_code in (200, 302)
    assert "<script>alert(1)</script>" not in html and "49" not in html
    if response.status_code == 200:
        assert errors_in(html)
        return
    user = db.exec(select(User)).one()  # the tables are all still there
    assert field == "password" or getattr(user, field) == value
    client.get("/en/account/check-email")
    login_html = client.get("/en/account").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in login_html


def test_unicode_names_are_welcome(post, db):
    response = post("/fr/account/signup", signup_form(first_name="Zoë-Hélène", last_name="N'Guessan Ørsted"))
    assert response.status_code == 302
    assert db.exec(select(User)).one().first_name == "Zoë-Hélène"


@pytest.mark.parametrize("duplicate", ["email", "cma_id", "both"])
def test_duplicate_email_or_cma_id_looks_the_same_and_mails_the_owner(post, client, make_user, db, outbox, email_of,
                                                                      duplicate):
    owner = make_user(email="owner@example.org", cma_id="777777", locale="fr")
    fresh = post("/en/account/signup", signup_form(email="someone.new@example.org", cma_id="5555555"))
    client.get("/en/account/check-email")
    values = {"email": {"email": "Owner@example.org"}, "cma_id": {"cma_id": "777777"},
              "both": {"email": "owner@example.org", "cma_id": "777777"}}[duplicate]
    repeat = post("/en/account/signup", signup_form(**{"email": "other@example.org", **values}))
    assert (repeat.status_code, repeat.headers["Location"]) == (fresh.status_code, fresh.headers["Location"])
    page = client.get("/en/account/check-email").get_data(as_text=True)
    assert "We sent a verification email to" in page
    assert db.exec(select(User).where(User.email == "other@example.org")).first() is None
    [warning] = outbox(emails.ALREADY_REGISTERED)
    assert warning.recipient_email == "owner@example.org" and warning.user_id == owner.id  # never the typed one
    message = email_of(warning)
    assert message["Subject"] == "Vous avez déjà un compte Connexion bien-être"
    assert "/fr/account/reset" in message.get_body(("plain",)).get_content()


def test_repeated_duplicate_signups_send_the_owner_one_email_an_hour(post, make_user, outbox):
    make_user(email="owner@example.org")
    for _ in range(3):
        post("/en/account/signup", signup_form(email="owner@example.org"))
    assert len(outbox(emails.ALREADY_REGISTERED)) == 1


def test_the_password_is_never_logged(post, caplog):
    caplog.set_level(logging.DEBUG)
    post("/en/account/signup", signup_form())
    post("/en/account/login", {"email": "ann.lee@example.org", "password": PASSWORD})
    assert PASSWORD not in caplog.text


def test_signed_in_members_are_sent_to_their_account(client, login, make_user):
    login(make_user())
    response = client.get("/en/account/signup")
    assert response.status_code == 302 and response.headers["Location"].endswith("/en/account")
