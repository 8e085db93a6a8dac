"""The moderator's French form (issue 15): "Dre" / "Dr" without a period on French pages and in French emails,
the English form elsewhere, and the English form on French pages when no French form was given."""
from __future__ import annotations

from sqlmodel import select

from portal.demo import PROGRAMME
from portal.notifications.compose import compose
from portal.sessions.models import SupportSession
from tests.registrations.registration_helpers import outbox, register
from tests.staff.conftest import fresh, session_fields, value_of, wall
from tests.when import eastern_day


def test_staff_enter_the_french_form_and_find_it_again(client, post, staff, db):
    starts = wall(eastern_day(9))
    fields = session_fields(starts, title_en="Titles of address", moderator="Dr. Daniela Isfan",
                            moderator_fr="Dre Daniela Isfan")
    assert post("/en/staff/sessions/new", fields).status_code == 302
    fresh(db)
    stored = db.exec(select(SupportSession).where(SupportSession.title_en == "Titles of address")).one()
    assert (stored.moderator, stored.moderator_fr) == ("Dr. Daniela Isfan", "Dre Daniela Isfan")
    form = client.get(f"/fr/staff/sessions/{stored.id}/edit").get_data(as_text=True)
    assert value_of(form, "moderator_fr") == "Dre Daniela Isfan"
    assert 'for="moderator_fr"' in form and "Dre pour une femme, Dr pour un homme, sans point" in form
    listing = client.get("/en/staff/sessions?q=Dre").get_data(as_text=True)
    assert "Titles of address" in listing  # the search reads both forms


def test_french_pages_and_emails_use_the_french_form(client, db, make_session, make_user):
    session = make_session(moderator="Dr. Daniela Isfan", moderator_fr="Dre Daniela Isfan")
    french = client.get(f"/fr/sessions/{session.id}").get_data(as_text=True)
    english = client.get(f"/en/sessions/{session.id}").get_data(as_text=True)
    assert "Dre Daniela Isfan" in french and "Dr. Daniela Isfan" not in french
    assert "Dr. Daniela Isfan" in english and "Dre Daniela Isfan" not in english
    assert "Dre Daniela Isfan" in client.get("/fr/sessions").get_data(as_text=True)
    register(session_id=session.id, user=make_user(locale="fr"))
    (notification,) = outbox(db, kind="registration_confirmed")
    message = compose(notification, db)
    text = message.get_body(("plain",)).get_content()
    assert "Animation\u00a0: Dre Daniela Isfan" in text and "Dr. Daniela" not in text
    assert str(message["From"]).startswith("Connexion bien-être <")


def test_without_a_french_form_french_pages_show_the_english_one(client, make_session):
    session = make_session(moderator="Dr. Amir Haddad", moderator_fr="")
    assert "Dr. Amir Haddad" in client.get(f"/fr/sessions/{session.id}").get_data(as_text=True)


def test_the_demo_writes_french_titles_of_address_without_a_period():
    for _days, _hour, _minutes, fields in PROGRAMME:
        assert fields["moderator"].startswith("Dr. ")
        french = fields["moderator_fr"]
        assert not french.startswith("Dr.") and (french.startswith(("Dre ", "Dr ")) or "Dr" not in french)


def test_connexion_bien_etre_names_the_public_feed_and_the_invite_organizer_in_french(client, db, make_session,
                                                                                     make_user):
    from icalendar import Calendar

    session = make_session()
    feed = Calendar.from_ical(client.get("/fr/sessions.ics").data)
    assert str(feed["x-wr-calname"]) == "Séances Connexion bien-être"
    assert str(Calendar.from_ical(client.get("/en/sessions.ics").data)["x-wr-calname"]) == "Wellness Connection sessions"
    register(session_id=session.id, user=make_user(locale="fr"))
    (notification,) = outbox(db, kind="registration_confirmed")
    message = compose(notification, db)
    (invite,) = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
    (event,) = Calendar.from_ical(invite.get_payload(decode=True)).walk("VEVENT")
    assert event["organizer"].params["cn"] == "Connexion bien-être"
