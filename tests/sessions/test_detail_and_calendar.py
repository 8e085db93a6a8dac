"""The session page and the public calendars (parsed back with icalendar)."""
from __future__ import annotations

from datetime import datetime, timezone
from html import unescape

import pytest
from icalendar import Calendar

from portal.times import EASTERN
from tests.when import eastern_day, in_days


def test_detail_shows_everything_a_member_needs(client, make_session):
    session = make_session(title_en="Imposter syndrome", moderator="Dr. Daniela Isfan", format="compassion_rounds",
                           starts_at=eastern_day(7), description_en="First paragraph.\n\nSecond paragraph.", topics=["imposter_syndrome"])
    html = client.get(f"/en/sessions/{session.id}").get_data(as_text=True)
    assert "<h1>Imposter syndrome</h1>" in html
    assert "Dr. Daniela Isfan" in html
    assert "the group reflects" in html  # one sentence on what the format is
    assert "<p>First paragraph.</p><p>Second paragraph.</p>" in html
    assert "7:00\u202fp.m. ET" in html
    assert f'href="/en/sessions/{session.id}.ics"' in html
    assert 'id="registration"' in html
    assert "zoom.example.invalid" not in html


def test_detail_in_french(client, make_session):
    session = make_session(title_fr="Le syndrome de l'imposteur", description_fr="", description_en="English only.",
                           starts_at=eastern_day(7))
    html = client.get(f"/fr/sessions/{session.id}").get_data(as_text=True)
    assert "Le syndrome de l&#39;imposteur" in html
    assert '<div class="description" lang="en">' in html
    assert "19 h 00 HE" in html


def test_cancelled_session_shows_as_cancelled(client, make_session):
    session = make_session(status="cancelled")
    html = client.get(f"/en/sessions/{session.id}").get_data(as_text=True)
    assert "This session has been cancelled" in html
    assert "not taking registrations" in html
    assert ".ics" not in html.split('id="registration"')[0].split("<h1>")[1]


def test_unknown_session_is_the_404_page(client):
    response = client.get("/fr/sessions/424242")
    assert response.status_code == 404
    assert "Nous n'avons pas trouvé cette page" in unescape(response.get_data(as_text=True))


def _parse(response):
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data)


@pytest.mark.parametrize(("day", "utc_hour"), [((2027, 1, 20), 0), ((2027, 7, 21), 23)])
def test_single_event_is_rfc5545_and_never_has_the_zoom_link(client, make_session, day, utc_hour):
    starts = datetime(*day, 19, tzinfo=EASTERN)
    session = make_session(starts_at=starts, title_fr="Titre FR", zoom_url="https://zoom.example.invalid/j/777")
    response = client.get(f"/fr/sessions/{session.id}.ics")
    calendar = _parse(response)
    assert b"zoom.example.invalid" not in response.data
    (event,) = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert start.utcoffset().total_seconds() == 0
    assert start.astimezone(EASTERN).hour == 19
    assert start.astimezone(timezone.utc).hour == utc_hour
    assert str(event["summary"]) == "Titre FR"
    # The public entry: its own UID (never the member's invite's), on the mail domain, not the site's host.
    assert str(event["uid"]) == f"support-session-{session.id}-public@localhost"
    assert int(event["sequence"]) == 0
    assert "method" not in calendar  # a snapshot, not an iTIP message (which would need an ORGANIZER)


def test_public_feed_lists_upcoming_sessions_without_zoom_links(client, make_session):
    make_session(starts_at=in_days(2), title_en="One")
    make_session(starts_at=in_days(3), title_en="Two")
    make_session(starts_at=in_days(-3), title_en="Past")
    response = client.get("/en/sessions.ics")
    calendar = _parse(response)
    summaries = [str(event["summary"]) for event in calendar.walk("VEVENT")]
    assert summaries == ["One", "Two"]
    assert b"zoom" not in response.data.lower()


def test_unknown_session_calendar_is_404(client):
    assert client.get("/en/sessions/999.ics").status_code == 404
