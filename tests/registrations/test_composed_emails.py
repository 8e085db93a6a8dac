"""Every registration email exactly as delivery sends it: compose() → bytes → parsed back. MIME structure,
headers, the 988/911 line in both parts, and the invite parsed with icalendar, in English and French, on a winter
and a summer date."""
from __future__ import annotations

from datetime import timedelta, timezone
from email import message_from_bytes, policy

import pytest
from icalendar import Calendar

from portal.times import EASTERN
from portal.notifications.compose import compose, message_id
from tests.registrations.registration_helpers import cancel, next_date, outbox, register
from portal.sessions.calendar import session_uid

ZOOM = "https://zoom.example.invalid/j/composed-77"
HELP_LINE = {"en": "Get help now: in crisis, call or text 988, any time. In immediate danger, call 911.",
             "fr": "Obtenir de l'aide maintenant : en situation de crise, appelez ou textez le 988"}
WINTER, SUMMER = (1, 20), (7, 21)


def parsed(db, notification):
    """compose() the row as delivery does, serialise it and parse the bytes back."""
    db.rollback()
    message = compose(notification, db)
    assert message is not None, notification.kind
    return message_from_bytes(message.as_bytes(), policy=policy.default)


def check_common(message, notification, lang: str) -> tuple[str, str]:
    """Headers and the text + HTML alternative; returns (text, html)."""
    assert message["Message-ID"] == message_id(notification.dedupe_key)
    assert message["Content-Language"] == {"en": "en-CA", "fr": "fr-CA"}[lang]
    assert message["To"] == notification.recipient_email and message["Subject"]
    alternative = message if message.get_content_type() == "multipart/alternative" else message.get_payload()[0]
    assert alternative.get_content_type() == "multipart/alternative"
    text_part, html_part, *calendar_parts = alternative.get_payload()
    assert (text_part.get_content_type(), html_part.get_content_type()) == ("text/plain", "text/html")
    assert [part.get_content_type() for part in calendar_parts] in ([], ["text/calendar"])
    text, html = text_part.get_content(), html_part.get_content()
    for part in (text, html.replace("&#39;", "'")):
        assert HELP_LINE[lang] in part and "988" in part and "911" in part
    assert f'<html lang="{lang}">' in html
    return text, html


def invite_of(message, method: str):
    """The text/calendar attachment, its method parameter, parsed with icalendar."""
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == method and attachment.get_filename() == "invite.ics"
    calendar = Calendar.from_ical(attachment.get_payload(decode=True))
    assert str(calendar["method"]) == method
    # The same invite is also the last part of the alternative, as Outlook and Google send one (Gmail shows an
    # invitation only from there).
    inline = alternative.get_payload()[-1]
    assert inline.get_content_type() == "text/calendar" and inline.get_param("method") == method
    assert inline.get_content().splitlines() == attachment.get_payload(decode=True).decode().splitlines()
    (event,) = calendar.walk("VEVENT")
    return event


def check_time(event, starts, utc_hour: int) -> None:
    start = event.decoded("dtstart")
    assert event["dtstart"].to_ical().endswith(b"Z") and start.utcoffset() == timedelta(0)
    assert (start.hour, start.minute) == (utc_hour, 0)
    assert start == starts.astimezone(timezone.utc) and start.astimezone(EASTERN).hour == 19


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize(("month_day", "utc_hour"), [(WINTER, 0), (SUMMER, 23)])
def test_every_registration_email_parsed_back(db, make_session, make_user, lang, month_day, utc_hour):
    starts = next_date(*month_day)
    session = make_session(starts_at=starts, capacity=1, zoom_url=ZOOM, ics_sequence=2,
                           title_en="Night shifts", title_fr="Gardes de nuit")
    first, second, third = (make_user(locale=lang, province="NL") for _ in range(3))
    uid = session_uid(session)
    title = {"en": "Night shifts", "fr": "Gardes de nuit"}[lang]

    register(session_id=session.id, user=first)
    register(session_id=session.id, user=second)
    register(session_id=session.id, user=third)

    (confirmed,) = outbox(db, kind="registration_confirmed", user_id=first.id)
    message = parsed(db, confirmed)
    text, html = check_common(message, confirmed, lang)
    assert title in message["Subject"] and ZOOM in text and ZOOM in html
    event = invite_of(message, "REQUEST")
    assert str(event["uid"]) == uid and int(event["sequence"]) == 2 and str(event["summary"]) == title
    assert str(event["location"]) == ZOOM
    check_time(event, starts, utc_hour)

    for kind in ("reminder_24h", "reminder_1h"):
        (reminder,) = outbox(db, kind=kind, user_id=first.id)
        message = parsed(db, reminder)
        text, html = check_common(message, reminder, lang)
        assert message.get_content_type() == "multipart/alternative" and ZOOM in text and ZOOM in html

    (waitlisted,) = outbox(db, kind="waitlisted", user_id=second.id)
    message = parsed(db, waitlisted)
    text, html = check_common(message, waitlisted, lang)
    assert message.get_content_type() == "multipart/alternative"  # no invite for a waiting-list place
    assert "composed-77" not in message.as_string() and "position 1." in text

    cancel(session_id=session.id, user=first)  # second is promoted
    (cancelled,) = outbox(db, kind="cancellation_confirmed", user_id=first.id)
    message = parsed(db, cancelled)
    text, html = check_common(message, cancelled, lang)
    assert "composed-77" not in message.as_string()
    event = invite_of(message, "CANCEL")
    assert str(event["uid"]) == uid and int(event["sequence"]) == 3  # outranks the REQUEST
    check_time(event, starts, utc_hour)

    (promoted,) = outbox(db, kind="promoted", user_id=second.id)
    message = parsed(db, promoted)
    text, html = check_common(message, promoted, lang)
    assert ZOOM in text and ZOOM in html
    event = invite_of(message, "REQUEST")
    assert str(event["uid"]) == uid and int(event["sequence"]) == 3
    check_time(event, starts, utc_hour)

    cancel(session_id=session.id, user=third)  # leaves the waiting list: confirmation without an invite
    (left,) = outbox(db, kind="cancellation_confirmed", user_id=third.id)
    message = parsed(db, left)
    check_common(message, left, lang)
    assert message.get_content_type() == "multipart/alternative" and "composed-77" not in message.as_string()
