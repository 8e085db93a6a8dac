"""The page that never goes down: /help and /help.txt answer while the database and Redis are unreachable."""
from __future__ import annotations

import logging

import pytest

from portal import create_app

CLOSED_DATABASE = "postgresql://portal@127.0.0.1:1/portal"
CLOSED_REDIS = "redis://127.0.0.1:1/0"
PAGES = ["/en/help", "/fr/help", "/en/help?province=QC", "/fr/help.txt", "/en/help.txt?province=NL"]


@pytest.fixture
def down_client(monkeypatch):
    """An app configured from the environment, as in production, with nothing listening at either address."""
    monkeypatch.setenv("DATABASE_URL", CLOSED_DATABASE)
    monkeypatch.setenv("REDIS_URL", CLOSED_REDIS)
    monkeypatch.setenv("SECRET_KEY", "down-test-secret")
    monkeypatch.setenv("PORTAL_EMBEDDED_WORKER", "0")
    # TESTING makes any exception fail the test loudly instead of turning into a friendly 500 page.
    application = create_app({"TESTING": True})
    assert application.config["DATABASE_URL"] == CLOSED_DATABASE
    assert application.config["RATELIMIT_STORAGE_URI"] == CLOSED_REDIS
    return application.test_client()


def test_the_services_really_are_down(down_client):
    readiness = down_client.get("/readyz").get_json()["checks"]
    assert readiness == {"database": "unreachable", "broker": "unreachable"}


@pytest.mark.parametrize("path", PAGES)
def test_help_answers_for_visitors(down_client, path):
    response = down_client.get(path)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "911" in text and "988" in text


def test_the_htmx_fragment_answers(down_client):
    response = down_client.get("/fr/help?province=QC", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "service-qc-pamq" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", PAGES)
def test_help_answers_with_a_members_session_cookie(down_client, path, caplog):
    with down_client.session_transaction() as session:
        session["_user_id"] = "1:any-auth-stamp"  # stamped, so the loader has to ask the database
        session["_fresh"] = True
    down_client.set_cookie("help_province", "NS")
    with caplog.at_level(logging.WARNING):
        response = down_client.get(path)
    assert response.status_code == 200
    assert any("could not load the signed-in member" in record.getMessage() for record in caplog.records)
    assert response.headers["Cache-Control"].startswith("private")
    if "province=" not in path:  # the member's profile is out of reach: the remembered choice decides
        assert "Nova Scotia" in response.get_data(as_text=True) or "Nouvelle-Écosse" in response.get_data(as_text=True)


def test_help_is_exempt_from_rate_limits(app_config, monkeypatch):
    from portal.extensions import limiter

    # Default limits live on the one module-level Limiter and outlast the app: put them back after this test.
    monkeypatch.setattr(limiter.limit_manager, "_default_limits", [])
    app_config.RATELIMIT_DEFAULT = "2 per day"
    client = create_app(app_config).test_client()
    assert [client.get("/en/account/check-email").status_code for _ in range(3)] == [200, 200, 429]  # the limit is real
    assert {client.get("/en/help?province=ON").status_code for _ in range(5)} == {200}
    assert {client.get("/fr/help.txt").status_code for _ in range(5)} == {200}
