"""Writing a story: bounds, plain text with paragraphs, signature, language, moderation first, the hourly limit."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from portal.gratitude.models import GratitudePost
from tests.gratitude.conftest import HTMX

STORY = "Thank you to the charge nurse who covered my patients\nwhen my daughter was sick.\n\nShe never asked why."


@pytest.fixture
def member(make_user, login):
    return login(make_user(first_name="Ana", last_name="Lastnameonly", email="ana.private@example.org"))


def story_fields(**overrides):
    return {"body": STORY, "display": "first_name", "language": "en", **overrides}


def test_a_story_waits_for_moderation_and_only_its_author_sees_it(client, post, member, db, make_user, login):
    response = post("/en/gratitude", story_fields())
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    (story,) = db.exec(select(GratitudePost)).all()
    assert story.status == "pending" and story.author_id == member.id and story.lang == "en"
    article = re.search(rf'<article[^>]*id="post-{story.id}".*?</article>', page, re.S).group(0)
    assert "Waiting for moderation" in article and 'lang="en"' in article
    assert "<p>Thank you to the charge nurse who covered my patients<br>\nwhen my daughter was sick.</p>" \
           "<p>She never asked why.</p>" in article
    login(make_user())
    assert f'id="post-{story.id}"' not in client.get("/en/gratitude").get_data(as_text=True)


def test_the_story_language_defaults_to_the_interface_language(client, member):
    page = client.get("/fr/gratitude").get_data(as_text=True)
    assert re.search(r'<option selected value="fr">|<option value="fr" selected>', page)
    assert re.search(r'<input checked id="display-0"[^>]*value="first_name"|value="first_name"[^>]*checked', page)


def test_a_french_story_from_the_english_interface_is_marked_french(post, member, db):
    post("/en/gratitude", story_fields(body="Merci à toute l'équipe de soir.", language="fr"))
    assert db.exec(select(GratitudePost.lang)).one() == "fr"


@pytest.mark.parametrize(("body", "status"), [("Too short", 422), ("x" * 10, 200), ("y" * 2000, 200),
                                             ("z" * 2001, 422), ("   ", 422), ("Bad \x00 char here", 422),
                                             ("\u202eright to left trick", 422)])
def test_length_and_characters_are_bounded(post, member, db, body, status):
    response = post("/en/gratitude", story_fields(body=body))
    assert response.status_code == status
    assert (db.exec(select(GratitudePost)).first() is not None) == (status == 200)


def test_a_refused_story_comes_back_with_the_message_and_the_text(post, member):
    page = post("/fr/gratitude", story_fields(body="Si court")).get_data(as_text=True)
    assert "Si court</textarea>" in page and 'class="error-summary"' in page and 'aria-invalid="true"' in page
    fragment = post("/en/gratitude", story_fields(body="<b>no</b>"), headers=HTMX)
    assert fragment.status_code == 422
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="composer"') and "&lt;b&gt;no&lt;/b&gt;</textarea>" in html


def test_bad_choices_are_refused_with_a_message(post, member, db):
    response = post("/en/gratitude", story_fields(display="full_name", language="de"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose how to sign your story." in page and "Choose English or French." in page
    assert db.exec(select(GratitudePost)).first() is None


def test_links_are_shown_as_text(client, member, make_post):
    body = "See https://example.com and <a href=\"https://evil.example\">this</a> and www.example.org, thanks"
    story = make_post(author=member, body=body, status="approved")
    html = client.get("/en/gratitude").get_data(as_text=True)
    article = re.search(rf'<article[^>]*id="post-{story.id}".*?</article>', html, re.S).group(0)
    body_html = re.search(r'<div class="story__body">(.*?)</div>', article, re.S).group(1)
    assert "<a" not in body_html and "&lt;a href=" in body_html and "https://example.com" in body_html


def test_the_htmx_answer_is_the_composer_with_the_waiting_story_out_of_band(post, member, db):
    response = post("/en/gratitude", story_fields(display="anonymous"), headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<section id="composer"') and 'data-announce="Thank you.' in html
    assert '<section id="waiting"' in html and 'hx-swap-oob="true"' in html
    story = db.exec(select(GratitudePost)).one()
    waiting = html.split('<section id="waiting"')[1]
    assert f'id="post-{story.id}"' in waiting and "Shared anonymously" in waiting and "Ana" not in waiting
    assert "</textarea>" in html and STORY not in html.split("<textarea")[1]  # a fresh, empty composer


@pytest.mark.parametrize("htmx", [False, True])
def test_the_sixth_story_in_an_hour_answers_429_in_french_keeping_the_text(post, member, make_post, db, htmx):
    for minutes in (5, 15, 25, 35, 45):
        make_post(author=member, status="pending", age=timedelta(minutes=minutes))
    make_post(author=member, status="approved", age=timedelta(minutes=61))  # outside the hour
    response = post("/fr/gratitude", story_fields(body="Ma sixième histoire, gardée."),
                    headers=HTMX if htmx else {})
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "Ma sixième histoire, gardée.</textarea>" in html and 'role="alert"' in html
    assert ("<html" in html) != htmx
    assert '<html lang="fr-CA">' in html or htmx
    assert len(db.exec(select(GratitudePost)).all()) == 6


def test_five_stories_an_hour_are_fine(post, member, make_post, db):
    for minutes in (5, 15, 25, 35):
        make_post(author=member, status="pending", age=timedelta(minutes=minutes))
    assert post("/en/gratitude", story_fields()).status_code == 200


def test_withdrawing_deletes_the_story_for_its_author_only(client, post, member, make_post, make_user, db):
    mine_id = make_post(author=member, status="approved").id
    theirs_id = make_post(status="approved").id
    assert post(f"/en/gratitude/{theirs_id}/withdraw", {}).status_code == 403
    response = post(f"/en/gratitude/{mine_id}/withdraw", {}, headers=HTMX)
    assert response.status_code == 200 and "withdrawn" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(GratitudePost, mine_id) is None and db.get(GratitudePost, theirs_id) is not None
    pending = make_post(author=member, status="pending")
    response = post(f"/en/gratitude/{pending.id}/withdraw", {})
    assert response.status_code == 302 and response.headers["Location"].endswith("/en/gratitude")
