"""Staff change a session members registered for, over HTTP; the worker (real Dramatiq threads on the stub broker)
writes the emails as .eml files; each is read back as a mail client would and its invite parsed with icalendar.

Checked each time: who gets what, in their language; the invite's METHOD, UID, SEQUENCE and DTSTART in UTC
against the Eastern time staff typed; the Zoom link only for members holding a place."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest
from sqlmodel import select

from portal.notifications.models import Notification
from portal.registrations.models import Registration
from portal.sessions.models import SupportSession
from portal.staff.models import StaffAction
from portal.times import EASTERN, eastern_instant
from tests.registrations.registration_helpers import register
from tests.staff.conftest import Mailbox, by_recipient, fall_back_day, fresh, session_fields, wall
from tests.when import eastern_day

ZOOM = "https://zoom.us/j/5551234567"
NEW_ZOOM = "https://ca01web.zoom.us/j/9998887777?pwd=new"


class Programme:
    """One published session with two members holding a place (Ana in English, Benoît in French) and one
    waiting (Chloé, French), all emails so far delivered and read."""

    def __init__(self, app, client, post, db, make_user, deliver_queued, starts: datetime):
        self.client, self.post, self.db, self.deliver = client, post, db, deliver_queued
        self.mailbox = Mailbox(app.config["PORTAL_OUTBOX_DIR"])
        response = post("/en/staff/sessions/new", session_fields(wall(starts), capacity="2", zoom_url=ZOOM))
        assert response.status_code == 302, response.get_data(as_text=True)
        fresh(db)
        self.session = db.exec(select(SupportSession)).one()
        self.fields = session_fields(wall(starts), capacity="2", zoom_url=ZOOM)
        self.ana = make_user(first_name="Ana", email="ana@example.org", locale="en")
        self.benoit = make_user(first_name="Benoît", email="benoit@example.org", locale="fr")
        self.chloe = make_user(first_name="Chloé", email="chloe@example.org", locale="fr")
        for member, expected in ((self.ana, "confirmed"), (self.benoit, "confirmed"), (self.chloe, "waitlisted")):
            assert register(session_id=self.session.id, user=member).result == expected
        self.first = self.read()
        assert set(self.first) == {"ana@example.org", "benoit@example.org", "chloe@example.org"}

    def change(self, **fields):
        """POST the edit form with these fields changed; returns the response."""
        self.fields = {**self.fields, **fields}
        self.db.commit()  # end the test's read snapshot, which would hold up the request's write
        return self.post(f"/en/staff/sessions/{self.session.id}/edit", self.fields)

    def read(self) -> dict:
        """Deliver what is queued; the new emails by recipient."""
        self.db.commit()  # end the test's read snapshot, which would hold up the worker's writes
        self.deliver()
        return by_recipient(self.mailbox.new())

    def current(self) -> SupportSession:
        fresh(self.db)
        session = self.db.get(SupportSession, self.session.id)
        self.db.commit()  # read, then let go of the snapshot (expire_on_commit is off: the row stays loaded)
        return session


@pytest.fixture
def programme(app, client, post, db, staff, make_user, deliver_queued):
    return Programme(app, client, post, db, make_user, deliver_queued, eastern_day(10, "19:00"))


def _utc(day, at: str) -> datetime:
    return eastern_instant(day, time.fromisoformat(at)).astimezone(timezone.utc)


def test_a_reschedule_then_a_new_zoom_link_then_a_new_length_each_reach_every_member(programme, db):
    p = programme
    uid, first_sequence = p.first["ana@example.org"].uid, p.first["ana@example.org"].sequence
    assert p.first["benoit@example.org"].uid == uid and p.first["chloe@example.org"].method is None

    # 1. A new time: the next day at 20:30 Eastern.
    new_day = eastern_day(11).astimezone(EASTERN).date()
    assert p.change(starts_at=f"{new_day:%Y-%m-%d}T20:30").status_code == 302
    mail = p.read()
    assert set(mail) == {"ana@example.org", "benoit@example.org", "chloe@example.org"}
    ana, benoit, chloe = mail["ana@example.org"], mail["benoit@example.org"], mail["chloe@example.org"]
    assert ana.subject.startswith("Session changed:") and benoit.subject.startswith("Séance modifiée\u00a0:")
    assert chloe.subject.startswith("Séance modifiée\u00a0:")
    for holder in (ana, benoit):
        assert holder.method == "REQUEST" and holder.uid == uid and holder.sequence > first_sequence
        assert holder.dtstart == _utc(new_day, "20:30")
        assert holder.dtstart.tzinfo is not None and holder.dtstart.utcoffset() == timedelta(0)
        assert holder.event.decoded("dtend") == _utc(new_day, "22:00")  # 90 minutes, as before
        assert ZOOM in holder.text and ZOOM in str(holder.event.get("description", "")) + holder.html
    assert "It was: " in ana.text and "7:00 p.m. to 8:30 p.m. ET" in ana.text.split("It was: ")[1].split("\n")[0]
    assert "8:30 p.m. to 10:00 p.m. ET" in ana.text.split("It is now: ")[1].split("\n")[0]
    assert "de 20\u00a0h\u00a030 à 22\u00a0h\u00a0(HE)" in benoit.text.split("Désormais\u00a0: ")[1].split("\n")[0]
    assert chloe.method is None and ZOOM not in chloe.text and ZOOM not in chloe.html
    assert "zoom.us" not in chloe.text + chloe.html
    assert "liste d'attente" in chloe.text
    second_sequence = ana.sequence
    # Their reminders moved with the session.
    fresh(db)
    reminders = db.exec(select(Notification).where(Notification.kind == "reminder_24h",
                                                   Notification.status == "pending")).all()
    confirmed = set(db.exec(select(Registration.id).where(Registration.status == "confirmed")).all())
    due = _utc(new_day, "20:30") - timedelta(hours=24)
    moved = {r.registration_id for r in reminders if r.due_at.replace(tzinfo=timezone.utc) == due}
    assert len(confirmed) == 2 and moved == confirmed
    # The reminders for the old time stay in the outbox but no longer apply: delivery skips them.
    from tests.registrations.registration_helpers import build
    stale = [r for r in reminders if r.due_at.replace(tzinfo=timezone.utc) != due]
    assert stale and all(build(db, r) is None for r in stale)
    db.commit()

    # 2. A new Zoom link: those holding a place get it with a new invite; the waiting list hears nothing.
    assert p.change(zoom_url=NEW_ZOOM).status_code == 302
    mail = p.read()
    assert set(mail) == {"ana@example.org", "benoit@example.org"}
    for holder in mail.values():
        assert holder.method == "REQUEST" and holder.uid == uid and holder.sequence > second_sequence
        assert NEW_ZOOM in holder.text and holder.dtstart == _utc(new_day, "20:30")
    assert "The Zoom link is new" in mail["ana@example.org"].text
    assert "Le lien Zoom a changé" in mail["benoit@example.org"].text
    third_sequence = mail["ana@example.org"].sequence

    # 3. A new length: everyone again (a change of end time is a change of time).
    assert p.change(duration_minutes="45").status_code == 302
    mail = p.read()
    assert set(mail) == {"ana@example.org", "benoit@example.org", "chloe@example.org"}
    for address in ("ana@example.org", "benoit@example.org"):
        holder = mail[address]
        assert holder.sequence > third_sequence and holder.uid == uid
        assert holder.event.decoded("dtend") == _utc(new_day, "21:15")
    assert NEW_ZOOM not in mail["chloe@example.org"].text + mail["chloe@example.org"].html

    # Nothing that changes no one's plans sends anything: a new description.
    assert p.change(description_en="A calmer description.").status_code == 302
    assert p.read() == {}

    fresh(db)
    log = db.exec(select(StaffAction.action).where(StaffAction.session_id == p.session.id)
                  .order_by(StaffAction.id)).all()
    assert log == ["published_new", "changed", "changed", "changed", "changed"]


def test_capacity_cannot_go_below_the_places_taken_and_raising_it_promotes_at_once(programme, db):
    p = programme
    refused = p.change(capacity="1")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "2 members already hold a place, so the session needs at least 2 places." in html
    assert p.current().capacity == 2 and p.read() == {}
    p.fields["capacity"] = "2"

    french = p.post(f"/fr/staff/sessions/{p.session.id}/edit", {**p.fields, "capacity": "1"})
    assert "2 membres occupent déjà une place" in french.get_data(as_text=True)

    assert p.change(capacity="3").status_code == 302
    assert p.current().places_taken == 3
    fresh(db)
    assert db.exec(select(Registration.status).where(Registration.user_id == p.chloe.id)).one() == "confirmed"
    mail = p.read()
    assert set(mail) == {"chloe@example.org"}  # only the member promoted; the others' plans did not change
    promoted = mail["chloe@example.org"]
    assert promoted.method == "REQUEST" and promoted.uid == p.first["ana@example.org"].uid
    assert ZOOM in promoted.text and promoted.subject.startswith("Une place s'est libérée pour vous")


@pytest.mark.parametrize("with_htmx", [False, True])
def test_cancelling_asks_first_then_tells_everyone_and_closes_registration(programme, db, client, post, make_user,
                                                                           with_htmx):
    p = programme
    headers = {"HX-Request": "true"} if with_htmx else {}
    asked = post(f"/en/staff/sessions/{p.session.id}/cancel", {}, headers=headers)
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert ("<dialog" in html and "<html" not in html) if with_htmx else ("<html" in html and "<dialog" not in html)
    assert "2 members hold a place." in html and "1 member is on the waiting list." in html
    assert 'name="confirm" value="yes"' in html
    assert p.current().status == "scheduled" and p.read() == {}

    done = post(f"/en/staff/sessions/{p.session.id}/cancel", {"confirm": "yes"}, headers=headers)
    if with_htmx:
        assert done.status_code == 200
        row = done.get_data(as_text=True)
        assert f'id="session-row-{p.session.id}"' in row and "Cancelled" in row and "<html" not in row
    else:
        assert done.status_code == 302
    assert p.current().status == "cancelled"
    mail = p.read()
    assert set(mail) == {"ana@example.org", "benoit@example.org", "chloe@example.org"}
    uid, sequence = p.first["ana@example.org"].uid, p.first["ana@example.org"].sequence
    for address in ("ana@example.org", "benoit@example.org"):
        assert mail[address].method == "CANCEL" and mail[address].uid == uid
        assert mail[address].sequence > sequence
        assert str(mail[address].event["status"]) == "CANCELLED"
        assert ZOOM not in mail[address].text + mail[address].html
    assert mail["ana@example.org"].subject.startswith("Session cancelled:")
    assert mail["benoit@example.org"].subject.startswith("Séance annulée\u00a0:")
    assert mail["chloe@example.org"].method is None and mail["chloe@example.org"].subject.startswith("Séance annulée")

    page = client.get(f"/fr/sessions/{p.session.id}").get_data(as_text=True)
    assert "annulée" in page and 'action="/fr/sessions/' not in page
    newcomer = make_user()
    assert register(session_id=p.session.id, user=newcomer).result == "session_cancelled"
    # Cancelling twice changes nothing and sends nothing.
    assert post(f"/en/staff/sessions/{p.session.id}/cancel", {"confirm": "yes"}).status_code == 302
    assert p.read() == {}
    fresh(db)
    assert db.exec(select(StaffAction.action).where(StaffAction.action == "cancelled")).all() == ["cancelled"]


def test_a_duplicate_is_a_draft_one_week_later_at_the_same_eastern_time_across_the_change_of_hour(
        client, post, staff, db):
    autumn = fall_back_day() - timedelta(days=3)  # Thursday before the clocks go back
    before = eastern_instant(autumn, time(19))
    response = post("/en/staff/sessions/new", session_fields(wall(before)))
    assert response.status_code == 302
    fresh(db)
    original = db.exec(select(SupportSession)).one()
    row = post(f"/en/staff/sessions/{original.id}/duplicate", {}, headers={"HX-Request": "true"})
    assert row.status_code == 200
    fresh(db)
    copy = db.exec(select(SupportSession).where(SupportSession.id != original.id)).one()
    html = row.get_data(as_text=True)
    assert f'id="session-row-{original.id}"' in html and f'id="session-row-{copy.id}"' in html
    assert copy.status == "draft" and copy.title_en == original.title_en and copy.capacity == original.capacity
    assert copy.starts_at.astimezone(EASTERN).strftime("%a %H:%M") == "Thu 19:00"
    assert copy.starts_at - original.starts_at == timedelta(days=7, hours=1)  # EDT to EST
    assert copy.ends_at - copy.starts_at == original.ends_at - original.starts_at
    assert client.get(f"/en/sessions/{copy.id}").status_code == 404
    # Without JavaScript, the copy's form opens.
    plain = post(f"/en/staff/sessions/{original.id}/duplicate", {})
    assert plain.status_code == 302 and plain.headers["Location"].endswith("/edit")
    fresh(db)
    summary = db.exec(select(StaffAction.summary).where(StaffAction.action == "duplicated")).first()
    assert f"copy of #{original.id}" in summary


def test_two_changes_before_the_worker_runs_make_one_email_with_the_latest_state(programme):
    p = programme
    day = eastern_day(12).astimezone(EASTERN).date()
    assert p.change(starts_at=f"{day:%Y-%m-%d}T18:00").status_code == 302
    assert p.change(zoom_url=NEW_ZOOM).status_code == 302
    mail = p.read()
    assert set(mail) == {"ana@example.org", "benoit@example.org", "chloe@example.org"}  # one each
    ana = mail["ana@example.org"]
    assert ana.sequence == p.current().ics_sequence and ana.dtstart == _utc(day, "18:00")
    assert NEW_ZOOM in ana.text and ZOOM not in ana.text.replace(NEW_ZOOM, "")
    assert "It was: " in ana.text and "The Zoom link is new" in ana.text
    assert "liste d'attente" in mail["chloe@example.org"].text and "zoom.us" not in mail["chloe@example.org"].text


def test_ical_js_reads_the_update_and_the_cancellation_as_a_calendar_client_would(programme, icaljs):
    """A second parser, written by nobody here (Mozilla's ical.js), reads the same invites the same way."""
    p = programme
    day = eastern_day(12).astimezone(EASTERN).date()
    first = p.first["benoit@example.org"]
    assert p.change(starts_at=f"{day:%Y-%m-%d}T07:15").status_code == 302
    update = p.read()["benoit@example.org"]
    assert p.post(f"/en/staff/sessions/{p.session.id}/cancel", {"confirm": "yes"}).status_code == 302
    cancel = p.read()["benoit@example.org"]
    parsed = icaljs([first.ics, update.ics, cancel.ics])
    assert [c["method"] for c in parsed] == ["REQUEST", "REQUEST", "CANCEL"]
    events = [c["events"][0] for c in parsed]
    assert len({e["uid"] for e in events}) == 1 and events[0]["uid"] == first.uid
    assert events[0]["sequence"] < events[1]["sequence"] < events[2]["sequence"]
    assert events[1]["start"] == _utc(day, "07:15").strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert events[1]["end"] == _utc(day, "08:45").strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert events[2]["status"] == "CANCELLED"
    assert events[1]["summary"] == "Soutien par les pairs : quarts de nuit"
    assert ZOOM in events[1]["description"] and ZOOM not in (events[2]["description"] or "")
