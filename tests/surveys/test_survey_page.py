"""The survey page: no sign-in, nobody loaded, one answer per link, a kind page for a used, expired or unknown link
(never the form again, never a 500), bad input answered in the visitor's language with what they typed kept."""
from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from portal.surveys.invitations import hash_token
from portal.surveys.models import SurveyInvitation, SurveyResponse
from tests.surveys.survey_helpers import answer, deliver_invitations, invite, links_by_recipient, session_taken_by


@pytest.fixture
def links(app, db, make_session, make_user):
    """Two members' survey paths (English, French), by member: {"en": path, "fr": path}."""
    en, fr = make_user(), make_user(locale="fr")
    session_taken_by(db, make_session, [en, fr])
    invite(db)
    paths = links_by_recipient(deliver_invitations(db, app))
    return {"en": paths[en.email], "fr": paths[fr.email]}


def _responses(db) -> list[SurveyResponse]:
    db.rollback()
    return list(db.exec(select(SurveyResponse)).all())


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_form_is_four_optional_scales_and_a_comment(client, links, lang):
    page = client.get(links[lang])
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f'<html lang="{lang}">' in html
    assert html.count("<fieldset") == 4 and html.count("<legend>") == 4
    assert len(re.findall(r'type="radio"', html)) == 4 * 6
    assert "<textarea" in html and "required" not in html
    assert {"en": "do not name anyone", "fr": "ne nommer personne"}[lang] in html
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "strict-origin"


def test_an_answer_is_kept_once_and_the_link_then_says_so(client, db, links):
    response = answer(client, links["en"], supported="5", facilitation="4", come_again="", recommend="3",
                      comment="  Good to hear others.  ")
    assert response.status_code == 303 and response.headers["Location"].endswith("/en/surveys/thanks")
    assert "Thank you" in client.get(response.headers["Location"]).get_data(as_text=True)
    (row,) = _responses(db)
    assert (row.supported, row.facilitation, row.come_again, row.recommend) == (5, 4, None, 3)
    assert row.comment == "Good to hear others."

    again = client.get(links["en"])
    assert again.status_code == 410 and b"already been answered" in again.data and b"<fieldset" not in again.data
    second = answer_anyway(client, links["en"], supported="1")
    assert second.status_code == 410 and len(_responses(db)) == 1


def answer_anyway(client, path, **fields):
    """POST to a link whose page no longer has the form (CSRF token from another page)."""
    page = client.get("/en/faq").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    return client.post(path, data={"csrf_token": token, **fields})


def test_an_empty_answer_is_a_valid_answer(client, db, links):
    assert answer(client, links["fr"]).status_code == 303
    (row,) = _responses(db)
    assert (row.supported, row.comment) == (None, "")


@pytest.mark.parametrize("lang, expired_text", [("en", "has expired"), ("fr", "a expiré")])
def test_an_expired_link_gets_a_kind_page(client, db, links, lang, expired_text):
    token = links[lang].rsplit("/", 1)[1]
    invitation = db.exec(select(SurveyInvitation).where(SurveyInvitation.token_hash == hash_token(token))).one()
    invitation.expires_on = invitation.expires_on - timedelta(days=30)
    db.add(invitation)
    db.commit()
    page = client.get(links[lang])
    assert page.status_code == 410 and expired_text in page.get_data(as_text=True) and b"<fieldset" not in page.data
    assert answer_anyway(client, links[lang], supported="2").status_code == 410
    assert _responses(db) == []


@pytest.mark.parametrize("change", ["flip", "short", "long", "odd"])
def test_a_tampered_link_is_unknown(client, db, links, change):
    path = links["fr"]
    token = path.rsplit("/", 1)[1]
    tampered = {"flip": token[:-1] + ("A" if token[-1] != "A" else "B"), "short": token[:20],
                "long": token + "x", "odd": token[:-3] + "%20é"}[change]
    page = client.get(f"/fr/surveys/{tampered}")
    assert page.status_code == 404 and "Nous n’avons pas trouvé ce sondage" in page.get_data(as_text=True)
    assert answer_anyway(client, f"/fr/surveys/{tampered}", supported="2").status_code == 404
    assert _responses(db) == []


def test_bad_input_is_explained_and_what_was_typed_is_kept(client, db, links):
    response = answer(client, links["fr"], supported="7", comment="Merci\x00 beaucoup")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "error-summary" in html and "Merci" in html
    assert _responses(db) == []
    too_long = answer(client, links["en"], comment="x" * 2001)
    assert too_long.status_code == 422 and "x" * 2001 in too_long.get_data(as_text=True)


def test_a_post_without_csrf_is_refused(client, db, links):
    assert client.post(links["en"], data={"supported": "3"}).status_code == 400
    assert _responses(db) == []


def test_a_signed_in_member_is_not_loaded_on_the_survey(app, client, db, links, make_user, login,
                                                        query_counter):
    member = login(make_user(first_name="Zelda"))
    assert "Zelda" in client.get("/en/account").get_data(as_text=True)  # the cookie does sign them in elsewhere
    query_counter.clear()
    page = client.get(links["en"])
    assert page.status_code == 200
    assert not [q for q in query_counter if "user_account" in q]
    assert b"Sign out" not in page.data and b"My account" not in page.data
    query_counter.clear()
    assert answer(client, links["en"], supported="4").status_code == 303
    assert not [q for q in query_counter if "user_account" in q]
    assert member.id


def test_the_survey_page_reads_a_constant_number_of_queries(client, links, query_counter):
    query_counter.clear()
    client.get(links["en"])
    first = len(query_counter)
    query_counter.clear()
    client.get(links["fr"])
    assert len(query_counter) == first <= 3


def test_request_logs_never_show_a_token(app, caplog, links):
    token = links["en"].rsplit("/", 1)[1]
    with caplog.at_level(logging.INFO):
        logging.getLogger("werkzeug").info('127.0.0.1 - - "GET %s HTTP/1.1" 200 -', links["en"])
        logging.getLogger("gunicorn.access").info('"POST /fr/surveys/%s HTTP/1.1" 303', token)
        app.logger.error("Unhandled error on %s %s", "POST", links["en"])
    assert len(caplog.records) == 3
    assert all(token not in record.getMessage() for record in caplog.records)
    assert "/en/surveys/[token]" in caplog.records[0].getMessage()
