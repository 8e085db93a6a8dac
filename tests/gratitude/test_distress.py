"""Distress-aware moderation: the phrase list matches whole words in both languages whatever the case or accents,
ordinary words do not trigger it, and a match brings help to the author at once and tells staff."""
from __future__ import annotations

import re

import pytest
from sqlmodel import select

from portal.gratitude.distress import load_matcher
from portal.gratitude.models import GratitudePost
from portal.notifications.models import Notification
from tests.gratitude.conftest import HTMX

TRUE_POSITIVES = [
    "Some nights I want to end my life, and my team noticed.",
    "I thought about how I could KILL MYSELF after that shift.",
    "I can't go on like this, but thank you to the nurse who sat with me.",
    "I can’t go on (curly apostrophe) without my colleagues.",
    "There were weeks I had suicidal thoughts.",
    "Je veux mourir certains soirs, merci à mon équipe.",
    "J'ai pensé à en finir après cette garde.",
    "Je voulais me suicider l'an dernier.",
    "JE VEUX MOURIR, écrit en majuscules.",
    "Je n’en peux plus de ces nuits.",
    "Je pensais à me suïcider (accent en trop).",
    "Je pense à mettre fin a mes jours (sans accent).",
    "i want to die\non some days",
]
FALSE_POSITIVES = [
    "What a killer schedule this month, and still my team brought cake.",
    "On a failli mourir de rire pendant la pause.",
    "J'ai cru mourir de rire quand le résident a chanté.",
    "Our suicide prevention training was run by a wonderful nurse.",
    "La prévention du suicide est une priorité de notre équipe.",
    "Enfin une garde tranquille!",
    "My sister finally finished her degree.",
    "He made a killing at the bake sale for the ward.",
    "Ce fut une soirée à en finirait? non: une soirée infinie.",
    "The endgame of my life's work is teaching.",
]


@pytest.fixture(scope="module")
def matcher():
    return load_matcher()


@pytest.mark.parametrize("text", TRUE_POSITIVES)
def test_distress_phrases_are_found(matcher, text):
    assert matcher.matches(text)


@pytest.mark.parametrize("text", FALSE_POSITIVES)
def test_ordinary_words_do_not_trigger_it(matcher, text):
    assert not matcher.matches(text)


def test_staff_can_extend_the_list(tmp_path):
    extended = tmp_path / "phrases.yaml"
    extended.write_text("en:\n  - running on empty\nfr:\n  - à bout de souffle\nnot_distress: []\n",
                        encoding="utf-8")
    matcher = load_matcher(extended)
    assert matcher.matches("I am Running on EMPTY") and matcher.matches("Je suis a bout de souffle")
    assert not matcher.matches("The tank was running on emptyish")


def test_a_malformed_list_stops_start_up_with_a_clear_message(tmp_path):
    broken = tmp_path / "phrases.yaml"
    broken.write_text("en: end my life\n", encoding="utf-8")
    with pytest.raises(ValueError, match="en must be a list"):
        load_matcher(broken)


@pytest.fixture
def member(make_user, login):
    return login(make_user(first_name="Lou", province="BC", locale="fr"))


@pytest.mark.parametrize("htmx", [False, True])
def test_the_author_sees_help_at_once_and_the_story_is_kept(post, member, db, make_user, htmx):
    staff = [make_user(is_staff=True, locale=lang) for lang in ("en", "fr")]
    response = post("/fr/gratitude", {"body": "Merci à ma collègue. Certains soirs, je veux mourir.",
                                      "display": "first_name", "language": "fr"}, headers=HTMX if htmx else {})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    section = re.search(r'<section id="support-now".*?</section>', html, re.S).group(0)
    assert 'href="tel:988"' in section and 'href="sms:988"' in section and 'href="tel:911"' in section
    assert "physicianhealth.com" in section or "Physician Health" in section  # British Columbia's program
    assert 'class="error-summary"' not in html and "notice--error" not in html
    story = db.exec(select(GratitudePost)).one()
    assert story.urgent and story.status == "pending"
    alerts = db.exec(select(Notification).where(Notification.kind == "gratitude_distress")).all()
    assert sorted((n.recipient_email, n.locale) for n in alerts) == sorted((s.email, s.locale) for s in staff)
    assert all(n.status == "pending" and n.payload_data == {"post_id": story.id} for n in alerts)


def test_an_ordinary_story_brings_no_alert(post, member, db, make_user):
    make_user(is_staff=True)
    html = post("/en/gratitude", {"body": "What a killer schedule, and still they covered for me.",
                                  "display": "first_name", "language": "en"}).get_data(as_text=True)
    assert 'id="support-now"' not in html
    assert not db.exec(select(GratitudePost)).one().urgent
    assert db.exec(select(Notification)).first() is None


def test_the_staff_alert_says_nothing_of_the_story(post, member, db, make_user):
    from email import message_from_bytes, policy

    from portal.notifications.compose import compose

    make_user(is_staff=True, locale="fr")
    post("/fr/gratitude", {"body": "Je n'en peux plus, mais merci à Julie Secretname.", "display": "first_name",
                           "language": "fr"})
    notification = db.exec(select(Notification)).one()
    db.rollback()
    message = message_from_bytes(compose(notification, db).as_bytes(), policy=policy.default)
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "/fr/staff/gratitude" in text and "Secretname" not in text and "Lou" not in text


def test_the_province_decides_the_program_offered(app, post, make_user, login):
    from portal.gratitude.support import support_for

    with app.test_request_context("/en/"):
        ontario = support_for("ON")
        unknown = support_for(None)
    assert ontario.programs and all("ON" in p.scope for p in ontario.programs)
    assert len(unknown.programs) > len(ontario.programs)
