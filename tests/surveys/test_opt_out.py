"""Opting out of survey emails on the account page: a real form with CSRF; an opted-out member is not invited."""
from __future__ import annotations

import re

from portal.extensions import db as portal_db
from portal.surveys.models import SurveyOptOut
from tests.surveys.survey_helpers import invitation_emails, invite, session_taken_by


def _account(client, lang="en") -> str:
    return client.get(f"/{lang}/account").get_data(as_text=True)


def _choice_form(html: str) -> str:
    return re.search(r'<section class="panel" id="survey-emails".*?</section>', html, re.S).group(0)


def test_the_account_page_offers_the_choice_in_a_real_form(client, make_user, login):
    login(make_user(locale="fr"))
    form = _choice_form(_account(client, "fr"))
    assert 'method="post"' in form and 'name="csrf_token"' in form
    assert 'name="survey_emails" value="yes" checked' in form
    assert "Courriels de sondage" in form and '<label for="survey_emails">' in form


def test_opting_out_and_back_in(client, db, make_session, make_user, login, post):
    member = login(make_user())
    response = post("/en/account/survey-emails", {})
    assert response.status_code == 302 and response.headers["Location"].endswith("/en/account#survey-emails")
    html = _account(client)
    assert "You will no longer receive survey emails." in html
    assert 'value="yes" checked' not in _choice_form(html)
    db.rollback()
    assert db.get(SurveyOptOut, member.id) is not None

    session_taken_by(db, make_session, [member])
    assert invite(db) == 0 and invitation_emails(db) == []

    post("/en/account/survey-emails", {"survey_emails": "yes"})
    assert 'value="yes" checked' in _choice_form(_account(client))
    db.rollback()
    assert db.get(SurveyOptOut, member.id) is None


def test_the_choice_needs_csrf_and_a_signed_in_member(client, make_user, login):
    anonymous = client.post("/en/account/survey-emails", data={})
    assert anonymous.status_code in (302, 400)
    login(make_user())
    assert client.post("/en/account/survey-emails", data={}).status_code == 400


def test_deleting_the_account_forgets_the_opt_out(app, db, make_user):
    from portal.accounts.profile import delete_account

    member = make_user()
    db.add(SurveyOptOut(user_id=member.id))
    db.commit()
    with app.test_request_context("/en/account"):
        with portal_db.new_session(write=True) as tx:
            delete_account(tx, tx.get(type(member), member.id))
            tx.commit()
    db.rollback()
    assert db.get(SurveyOptOut, member.id) is None
