"""Registering, repeats, the waiting list, promotion on cancel, and when registration is refused."""
from __future__ import annotations

from datetime import timedelta

import pytest
from portal.registrations import services
from tests.registrations.registration_helpers import cancel, outbox, register, registrations

from portal.extensions import db as portal_db
from portal.extensions import utcnow
from tests.when import in_days


def _waitlist(db, session_id):
    return [(r.user_id, r.waitlist_position) for r in registrations(db, session_id) if r.status == "waitlisted"]


def test_register_confirms_and_queues_the_confirmation_with_reminders(db, make_session, member):
    session = make_session(starts_at=in_days(7))
    outcome = register(session_id=session.id, user=member)
    assert (outcome.result, outcome.changed, outcome.ok) == ("confirmed", True, True)
    assert "Zoom link" in outcome.message
    kinds = [(n.kind, n.user_id, n.recipient_email, n.status) for n in outbox(db)]
    assert kinds == [("registration_confirmed", member.id, member.email, "pending"),
                     ("reminder_24h", member.id, member.email, "pending"),
                     ("reminder_1h", member.id, member.email, "pending")]
    due = {n.kind: n.due_at for n in outbox(db)}
    assert due["reminder_24h"] == session.starts_at - timedelta(hours=24)
    assert due["reminder_1h"] == session.starts_at - timedelta(hours=1)


def test_repeated_posts_register_once(db, make_session, member):
    session = make_session()
    first = register(session_id=session.id, user=member)
    again = [register(session_id=session.id, user=member) for _ in range(3)]
    assert first.changed and not any(o.changed for o in again)
    assert {o.result for o in again} == {"confirmed"}
    assert again[0].message == "You are already registered for this session."
    assert len(registrations(db, session.id)) == 1
    assert len(outbox(db, kind="registration_confirmed")) == 1
    assert len(outbox(db)) == 3


def test_full_session_waitlists_in_order_and_never_overbooks(db, make_session, make_user):
    session = make_session(capacity=2)
    members = [make_user() for _ in range(5)]
    outcomes = [register(session_id=session.id, user=m) for m in members]
    assert [o.result for o in outcomes] == ["confirmed", "confirmed", "waitlisted", "waitlisted", "waitlisted"]
    assert [o.position for o in outcomes] == [None, None, 1, 2, 3]
    assert "position 2" in outcomes[3].message
    assert _waitlist(db, session.id) == [(members[2].id, 1), (members[3].id, 2), (members[4].id, 3)]
    waitlisted_mail = outbox(db, kind="waitlisted")
    assert [n.user_id for n in waitlisted_mail] == [m.id for m in members[2:]]
    assert not [n for n in outbox(db) if n.kind.startswith("reminder") and n.user_id in {m.id for m in members[2:]}]


def test_cancelling_promotes_the_first_on_the_waiting_list_at_once(db, make_session, make_user):
    session = make_session(capacity=1)
    first, second, third = make_user(), make_user(), make_user()
    for m in (first, second, third):
        register(session_id=session.id, user=m)
    outcome = cancel(session_id=session.id, user=first)
    assert (outcome.result, outcome.previous_status, outcome.changed) == ("cancelled", "confirmed", True)
    assert [r.user_id for r in outcome.promoted] == [second.id]
    by_user = {r.user_id: r for r in registrations(db, session.id)}
    assert by_user[first.id].status == "cancelled"
    assert (by_user[second.id].status, by_user[second.id].waitlist_position) == ("confirmed", None)
    assert (by_user[third.id].status, by_user[third.id].waitlist_position) == ("waitlisted", 1)
    promoted = outbox(db, kind="promoted")
    assert [n.user_id for n in promoted] == [second.id]
    assert {n.kind for n in outbox(db, user_id=second.id, status="pending")} == {
        "promoted", "reminder_24h", "reminder_1h"}
    # The unsent "you are on the waiting list" email no longer applies.
    assert [n.status for n in outbox(db, user_id=second.id, kind="waitlisted")] == ["skipped"]
    assert [n.kind for n in outbox(db, user_id=first.id, kind="cancellation_confirmed")] == [
        "cancellation_confirmed"]


def test_cancel_withdraws_the_members_pending_reminders(db, make_session, member):
    session = make_session()
    register(session_id=session.id, user=member)
    cancel(session_id=session.id, user=member)
    statuses = {n.kind: n.status for n in outbox(db, user_id=member.id)}
    assert statuses == {"registration_confirmed": "skipped", "reminder_24h": "skipped", "reminder_1h": "skipped",
                        "cancellation_confirmed": "pending"}


def test_leaving_the_waiting_list_closes_the_gap_in_order(db, make_session, make_user):
    session = make_session(capacity=1)
    members = [make_user() for _ in range(5)]
    for m in members:
        register(session_id=session.id, user=m)
    outcome = cancel(session_id=session.id, user=members[2])  # position 2
    assert (outcome.previous_status, outcome.promoted) == ("waitlisted", [])
    assert outcome.message == "You have left the waiting list."
    assert _waitlist(db, session.id) == [(members[1].id, 1), (members[3].id, 2), (members[4].id, 3)]
    # The confirmed member is untouched and nobody was promoted.
    assert [r.user_id for r in registrations(db, session.id) if r.status == "confirmed"] == [members[0].id]


def test_a_cancelled_registration_can_register_again_as_new_mail(db, make_session, member):
    session = make_session()
    register(session_id=session.id, user=member)
    cancel(session_id=session.id, user=member)
    again = cancel(session_id=session.id, user=member)
    assert (again.result, again.changed) == ("cancelled", False)
    outcome = register(session_id=session.id, user=member)
    assert (outcome.result, outcome.changed) == ("confirmed", True)
    assert outcome.registration.revision == 2  # created 0, cancelled 1, registered again 2
    assert len(registrations(db, session.id)) == 1
    confirmations = outbox(db, kind="registration_confirmed")
    assert [n.status for n in confirmations] == ["skipped", "pending"]
    assert len(outbox(db, kind="reminder_1h", status="pending")) == 1


def test_a_cancelled_member_rejoins_behind_the_waiting_list(db, make_session, make_user):
    session = make_session(capacity=1)
    first, second = make_user(), make_user()
    register(session_id=session.id, user=first)
    register(session_id=session.id, user=second)
    cancel(session_id=session.id, user=first)  # second is promoted
    outcome = register(session_id=session.id, user=first)
    assert (outcome.result, outcome.position) == ("waitlisted", 1)


def test_raised_capacity_serves_the_waiting_list_before_newcomers(db, make_session, make_user):
    session = make_session(capacity=1)
    first, waiting, newcomer = make_user(), make_user(), make_user()
    register(session_id=session.id, user=first)
    register(session_id=session.id, user=waiting)
    session.capacity = 2
    db.add(session)
    db.commit()
    outcome = register(session_id=session.id, user=newcomer)
    assert [r.user_id for r in outcome.promoted] == [waiting.id]
    assert (outcome.result, outcome.position) == ("waitlisted", 1)


@pytest.mark.parametrize(("fields", "result"), [
    ({"status": "cancelled"}, "session_cancelled"),
    ({"starts_at": utcnow() - timedelta(minutes=1)}, "closed"),
])
def test_registration_refused_for_cancelled_and_started_sessions(db, make_session, member, fields, result):
    session = make_session(**fields)
    outcome = register(session_id=session.id, user=member)
    assert (outcome.result, outcome.ok, outcome.changed) == (result, False, False)
    assert registrations(db, session.id) == [] and outbox(db) == []


def test_registration_closes_exactly_at_the_start(db, make_session, member):
    session = make_session()
    assert register(session_id=session.id, user=member, now=session.starts_at).result == "closed"
    just_before = session.starts_at - timedelta(seconds=1)
    assert register(session_id=session.id, user=member, now=just_before).result == "confirmed"
    # Registered one second before: no reminder is owed any more.
    assert [n.kind for n in outbox(db)] == ["registration_confirmed"]
    assert cancel(session_id=session.id, user=member, now=session.starts_at).result == "closed"


def test_unverified_members_and_unknown_sessions_are_refused(db, make_session, make_user):
    session = make_session()
    unverified = make_user(email_verified_at=None)
    assert register(session_id=session.id, user=unverified).result == "unverified"
    assert register(session_id=424242, user=unverified).result == "not_found"
    assert cancel(session_id=session.id, user=unverified).result == "not_registered"
    assert registrations(db, session.id) == []


def test_the_caller_owns_the_transaction(app, db, make_session, member):
    session = make_session()
    with portal_db.new_session(write=True) as tx:
        outcome = services.register(tx, session_id=session.id, user=member)
        assert outcome.result == "confirmed"
        tx.rollback()  # the service did not commit: nothing is kept
    assert registrations(db, session.id) == []
    db.refresh(session)
    assert session.places_taken == 0


def test_places_taken_follows_every_change(db, make_session, make_user):
    """The session's confirmed count moves with every register, cancel and promotion, and never drifts from the
    confirmed rows."""
    session = make_session(capacity=2)
    people = [make_user() for _ in range(4)]

    def check(expected: int) -> None:
        db.refresh(session)
        rows = registrations(db, session.id)
        assert session.places_taken == sum(r.status == "confirmed" for r in rows) == expected

    for person, expected in zip(people, (1, 2, 2, 2)):
        register(session_id=session.id, user=person)
        check(expected)
    cancel(session_id=session.id, user=people[0])  # the first waiting is promoted
    check(2)
    cancel(session_id=session.id, user=people[3])  # leaving the waiting list frees nothing
    check(2)
    cancel(session_id=session.id, user=people[1])
    check(1)
    register(session_id=session.id, user=people[0])
    check(2)