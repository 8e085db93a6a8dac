"""The access decorators other features use, the operator commands, the demo accounts and the header."""
from __future__ import annotations

import pytest
from flask import Blueprint
from sqlmodel import select

from portal import create_app
from portal.access import staff_required, verified_required
from portal.accounts.models import User
from tests.signin import sign_in_client


@pytest.fixture
def guarded_app(app_config):
    """An app with two guarded views, as the registration and gratitude features will have."""
    application = create_app(app_config)
    bp = Blueprint("guarded", __name__, url_prefix="/<lang:lang>")

    @bp.post("/register-me")
    @verified_required
    def register_me():
        return "registered"

    @bp.get("/staff-only")
    @staff_required
    def staff_only():
        return "staff"

    application.register_blueprint(bp)
    from sqlmodel import SQLModel

    from portal.extensions import db

    with application.app_context():
        SQLModel.metadata.create_all(db.engine)
    from tests.conftest import IsolatedClient

    application.test_client_class = IsolatedClient
    return application


def _as(application, user=None):
    client = application.test_client()
    application.config["WTF_CSRF_ENABLED"] = False
    if user is not None:
        sign_in_client(application, client, user.id)
    return client


def _user(application, **fields):
    from portal.extensions import db

    with application.app_context():
        values = dict(email=f"{fields.get('cma_id', '1')}@example.org", password_hash="x", first_name="A",
                      last_name="B", cma_id="1", category="resident", province="ON")
        values.update(fields)
        user = User(**values)
        db.session.add(user)
        db.session.commit()
        return user


def test_verified_required(guarded_app):
    from portal.extensions import utcnow

    anonymous = _as(guarded_app).post("/en/register-me")
    assert anonymous.status_code == 302 and "next=/en/register-me" in anonymous.headers["Location"]
    htmx = _as(guarded_app).post("/en/register-me", headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and "/en/account/login" in htmx.headers["HX-Redirect"]
    unverified = _as(guarded_app, _user(guarded_app, cma_id="11111")).post("/fr/register-me")
    assert unverified.status_code == 403
    assert "Veuillez d&#39;abord confirmer" in unverified.get_data(as_text=True) or \
        "Veuillez d'abord confirmer" in unverified.get_data(as_text=True)
    verified = _as(guarded_app, _user(guarded_app, cma_id="22222", email_verified_at=utcnow()))
    assert verified.post("/en/register-me").get_data(as_text=True) == "registered"


def test_staff_required(guarded_app):
    assert _as(guarded_app).get("/en/staff-only").status_code == 302
    assert _as(guarded_app, _user(guarded_app, cma_id="33333")).get("/en/staff-only").status_code == 403
    staff = _as(guarded_app, _user(guarded_app, cma_id="44444", is_staff=True))
    assert staff.get("/en/staff-only").get_data(as_text=True) == "staff"


def test_user_create_and_staff_grant_revoke(runner, db):
    result = runner.invoke(args=["user", "create", "Op@Example.org", "--password", "operators pick good words",
                                 "--first-name", "Olive", "--province", "QC", "--locale", "fr", "--staff"])
    assert result.exit_code == 0, result.output
    user = db.exec(select(User)).one()
    assert (user.email, user.first_name, user.province, user.locale, user.is_staff, user.is_verified) == (
        "op@example.org", "Olive", "QC", "fr", True, True)
    assert runner.invoke(args=["staff", "revoke", "op@example.org"]).exit_code == 0
    db.rollback()
    db.expire_all()
    assert not db.exec(select(User)).one().is_staff
    assert runner.invoke(args=["staff", "grant", "OP@example.org"]).exit_code == 0
    assert runner.invoke(args=["staff", "grant", "nobody@example.org"]).exit_code != 0


@pytest.mark.parametrize(("args", "message"), [
    (["user", "create", "not-an-email", "--password", "operators pick good words"], "Not a usable email address"),
    (["user", "create", "a@example.org", "--password", "password1234"], "common passwords"),
    (["user", "create", "a@example.org", "--password", "operators pick good words", "--province", "XX"], "XX"),
])
def test_user_create_refuses_bad_input(runner, db, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code != 0 and message in result.output


def test_user_create_refuses_a_duplicate(runner, make_user):
    make_user(email="dup@example.org")
    result = runner.invoke(args=["user", "create", "dup@example.org", "--password", "operators pick good words"])
    assert result.exit_code != 0 and "already" in result.output


def test_demo_accounts_are_created_once_and_can_sign_in(runner, post, db):
    first = runner.invoke(args=["demo", "load"])
    second = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0 and "Demo accounts: 2 added" in first.output
    assert "Demo accounts: 0 added, 2 already there." in second.output
    assert "staff@demo.wellness.example  password: demo staff password" in second.output
    users = {u.email: u for u in db.exec(select(User)).all()}
    assert users["staff@demo.wellness.example"].is_staff and users["member@demo.wellness.example"].is_verified
    response = post("/en/account/login", {"email": "member@demo.wellness.example",
                                          "password": "demo member password"})
    assert response.status_code == 302


def test_demo_load_refuses_production(runner, app):
    app.config["PORTAL_ENV"] = "production"
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code != 0 and "never loaded in production" in result.output


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_header_navigation_by_role(client, login, make_user, lang):
    visitor = client.get(f"/{lang}/").get_data(as_text=True)
    assert f'href="/{lang}/account/login"' in visitor and f'href="/{lang}/account/signup"' in visitor
    login(make_user(is_staff=True))
    staff = client.get(f"/{lang}/").get_data(as_text=True)
    assert f'href="/{lang}/account"' in staff and f'action="/{lang}/account/logout"' in staff
    assert f'href="/{lang}/staff"' in staff and f'href="/{lang}/account/login"' not in staff


def test_members_do_not_get_the_staff_link(client, login, make_user):
    login(make_user())
    assert 'href="/en/staff' not in client.get("/en/").get_data(as_text=True)
