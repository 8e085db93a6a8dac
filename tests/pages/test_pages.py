"""Home, FAQ, health checks."""
from __future__ import annotations

import pytest
from tests.when import in_days


@pytest.mark.parametrize(("lang", "text"), [("en", "who understand"), ("fr", "collègues qui comprennent")])
def test_home_says_what_the_portal_is_and_shows_next_sessions(client, make_session, lang, text):
    make_session(starts_at=in_days(2), title_en="Soonest", title_fr="La plus proche")
    make_session(starts_at=in_days(1), title_en="Cancelled one", status="cancelled")
    response = client.get(f"/{lang}/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert text in html
    assert ("Soonest" if lang == "en" else "La plus proche") in html
    assert "Cancelled one" not in html
    assert "988" in html


def test_home_without_sessions_says_so(client):
    assert "check back soon" in client.get("/en/").get_data(as_text=True)


@pytest.mark.parametrize(("lang", "headings"), [
    ("en", ["Who can take part?", "Rules of engagement", "Registering and joining", "How big are the groups?",
            "Confidentiality and privacy", "What does it cost?"]),
    ("fr", ["Qui peut participer?", "Règles de participation", "S'inscrire et participer", "taille des groupes",
            "Confidentialité et vie privée", "Combien cela coûte-t-il?"]),
])
def test_faq_answers_the_usual_questions(client, lang, headings):
    html = client.get(f"/{lang}/faq").get_data(as_text=True)
    for heading in headings:
        assert heading.replace("'", "&#39;") in html or heading in html
    assert "30" in html


def test_healthz_touches_nothing(app_config, tmp_path):
    from portal import create_app

    app_config.DATABASE_URL = "postgresql://nobody@127.0.0.1:1/none"
    client = create_app(app_config).test_client()
    assert client.get("/healthz").status_code == 200


def test_readyz_reports_a_down_database(app_config):
    from portal import create_app

    app_config.DATABASE_URL = "postgresql://nobody@127.0.0.1:1/none"
    response = create_app(app_config).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"] == "unreachable"


def test_readyz_ok_with_database_and_embedded_broker(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready", "checks": {"database": "ok", "broker": "embedded"}}


def test_readyz_reports_an_unreachable_redis(app_config):
    from portal import create_app
    from portal.extensions import db
    from sqlmodel import SQLModel

    app_config.REDIS_URL = "redis://127.0.0.1:1/0"
    application = create_app(app_config)
    with application.app_context():
        SQLModel.metadata.create_all(db.engine)
    response = application.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["broker"] == "unreachable"
