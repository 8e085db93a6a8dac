"""Invitations: made by the clock once a session ends, for its confirmed registrants who did not opt out, before
the retention purge; each one email in the member's language; unsent ones dropped after 7 days."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import inspect
from sqlmodel import select

import portal.clock as clock
from portal.extensions import db as portal_db
from portal.extensions import utcnow
from portal.notifications.models import Notification
from portal.notifications.services import notify
from portal.registrations.models import Registration
from portal.surveys.invitations import INVITATION_KIND, eastern_day, hash_token
from portal.surveys.models import SurveyInvitation, SurveyOptOut
from tests.surveys.survey_helpers import deliver_invitations, invitation_emails, invite, session_taken_by


def _invitations(db, session_id=None) -> list[SurveyInvitation]:
    db.rollback()
    query = select(SurveyInvitation)
    if session_id is not None:
        query = query.where(SurveyInvitation.session_id == session_id)
    return list(db.exec(query).all())


def test_an_ended_session_invites_its_confirmed_members_once(db, make_session, make_user):
    a, b, gone = make_user(), make_user(locale="fr"), make_user()
    session = session_taken_by(db, make_session, [a, b, gone])
    db.rollback()
    with portal_db.new_session(write=True) as tx:  # `gone` withdrew before the session
        registration = tx.exec(select(Registration).where(Registration.user_id == gone.id)).one()
        registration.status = "cancelled"
        tx.add(registration)
        tx.commit()

    assert invite(db) == 2
    assert invite(db) == 0  # one round per session
    emails = invitation_emails(db)
    assert sorted(n.recipient_email for n in emails) == sorted([a.email, b.email])
    assert {n.recipient_email: n.locale for n in emails} == {a.email: "en", b.email: "fr"}
    invitations = _invitations(db, session.id)
    assert len(invitations) == 2
    assert {i.expires_on for i in invitations} == {eastern_day(session.ends_at) + timedelta(days=14)}
    assert sorted(i.token_hash for i in invitations) == sorted(
        hash_token(json.loads(n.payload)["token"]) for n in emails)


def test_the_invitation_row_holds_no_person_and_no_time(app):
    with app.app_context():
        columns = {c["name"]: c for c in inspect(portal_db.engine).get_columns("survey_invitation")}
        keys = inspect(portal_db.engine).get_foreign_keys("survey_invitation")
    assert set(columns) == {"id", "token_hash", "session_id", "expires_on", "used"}
    assert [k["referred_table"] for k in keys] == ["support_session"]
    assert "DATE" in str(columns["expires_on"]["type"]).upper()
    assert "TIME" not in str(columns["expires_on"]["type"]).upper()


@pytest.mark.parametrize("status, ended_days_ago, expected", [
    ("scheduled", 6.9, 1), ("scheduled", 7.1, 0), ("cancelled", 1, 0), ("scheduled", -0.1, 0),
])
def test_which_sessions_get_invitations(db, make_session, make_user, status, ended_days_ago, expected):
    session = session_taken_by(db, make_session, [make_user()], ended_days_ago=max(ended_days_ago, 0.01))
    if ended_days_ago < 0:  # not over yet
        session.ends_at = utcnow() + timedelta(hours=1)
    session.status = status
    db.add(session)
    db.commit()
    assert invite(db) == expected


def test_the_clock_invites_before_the_retention_purge_deletes_the_registrations(app, db, make_session, make_user):
    app.config["PORTAL_RETENTION_DAYS"] = 0  # the purge would delete the registrations at the same tick
    session = session_taken_by(db, make_session, [make_user(), make_user()], ended_days_ago=0.5)
    names = [job.name for job in clock.jobs(app)]
    assert names.index("survey invitations") < names.index("retention purge")
    results = clock.tick(app)
    assert results["survey invitations"] == 2
    assert results["retention purge"].registrations == 2
    assert len(_invitations(db, session.id)) == 2


def test_opted_out_members_get_no_invitation(db, make_session, make_user):
    keen, not_keen = make_user(), make_user()
    db.add(SurveyOptOut(user_id=not_keen.id))
    db.commit()
    session_taken_by(db, make_session, [keen, not_keen])
    assert invite(db) == 1
    assert [n.recipient_email for n in invitation_emails(db)] == [keen.email]


def test_unsent_invitations_are_dropped_after_seven_days(db, make_session, make_user):
    session = session_taken_by(db, make_session, [make_user(), make_user()], ended_days_ago=0.5)
    invite(db)
    later = utcnow() + timedelta(days=7, hours=1)
    invite(db, now=later)
    assert invitation_emails(db) == [] and _invitations(db, session.id) == []


def test_invitations_still_within_seven_days_are_kept(db, make_session, make_user):
    session = session_taken_by(db, make_session, [make_user()], ended_days_ago=0.5)
    invite(db)
    invite(db, now=utcnow() + timedelta(days=6))
    assert len(invitation_emails(db)) == 1 and len(_invitations(db, session.id)) == 1


@pytest.mark.parametrize("lang, subject, words", [
    ("en", "How was the session? Session", ["anonymous", "The link works once, until"]),
    ("fr", "Comment s’est passée la séance? Séance", ["anonyme", "Le lien fonctionne une seule fois"]),
])
def test_the_invitation_email_in_each_language_parsed_back(app, db, client, make_session, make_user, lang,
                                                           subject, words):
    member = make_user(locale=lang)
    session_taken_by(db, make_session, [member])
    invite(db)
    mailbox = deliver_invitations(db, app)
    (email,) = mailbox.new()
    assert email.to == member.email
    assert " ".join(email.subject.split()).startswith(subject)  # a header is one line of plain spaces
    assert email.message["Content-Language"] == {"en": "en-CA", "fr": "fr-CA"}[lang]
    for word in words:
        assert word in email.text
    assert "988" in email.text
    from tests.surveys.survey_helpers import survey_path

    path = survey_path(email)
    assert path.startswith(f"/{lang}/surveys/")
    page = client.get(path)
    assert page.status_code == 200 and b"<fieldset" in page.data
    (row,) = invitation_emails(db)
    assert row.status == "sent" and row.payload == "{}"  # once delivered, the outbox keeps no copy of the token


def test_delivery_forgets_the_token_even_when_the_email_is_skipped(app, db, make_session, make_user):
    member = make_user()
    session_taken_by(db, make_session, [member])
    invite(db)
    db.add(SurveyOptOut(user_id=member.id))  # changed their mind before the email left
    db.commit()
    mailbox = deliver_invitations(db, app)
    assert mailbox.new() == []
    (row,) = invitation_emails(db)
    assert row.status == "skipped" and row.payload == "{}"


def test_other_kinds_keep_their_payload_after_delivery(app, db, make_user):
    member = make_user()
    notify(db, kind="password_reset", recipient_email=member.email, user_id=member.id, dedupe_key="reset:x",
           payload={"kept": "yes"})
    db.commit()
    from portal.notifications import delivery

    (row,) = db.exec(select(Notification).where(Notification.dedupe_key == "reset:x")).all()
    delivery.deliver(row.id)
    db.rollback()
    assert json.loads(db.get(Notification, row.id).payload) == {"kept": "yes"}


def test_an_invitation_goes_with_the_registration_at_retention(db, make_session, make_user):
    from portal.registrations.retention import purge_registrations

    session = session_taken_by(db, make_session, [make_user()], ended_days_ago=0.5)
    invite(db)
    purge_registrations(db, now=session.ends_at + timedelta(days=31), retention_days=30)
    db.commit()
    assert invitation_emails(db) == []
