"""Every registration email as delivery builds it: content in the member's language, times in their zone beside
Eastern, the Zoom link only for a confirmed place, and the invite parsed back with icalendar."""
from __future__ import annotations

from datetime import timedelta, timezone

import pytest
from icalendar import Calendar
from tests.registrations.registration_helpers import build, cancel, next_date, outbox, register

from portal.times import EASTERN
from portal.notifications.kinds import registered_kinds
from portal.registrations.outbox import KINDS, queue_session_cancelled, queue_session_changed
from portal.sessions.calendar import session_uid
from tests.when import in_days

ZOOM = "https://zoom.example.invalid/j/4242"
WINTER = (1, 20)  # Eastern Standard Time: 19:00 is 00:00 UTC the next day
SUMMER = (7, 21)  # Eastern Daylight Time: 19:00 is 23:00 UTC


def _email(db, kind, **filters):
    (notification,) = outbox(db, kind=kind, **filters)
    return notification, build(db, notification)


def _invite(content):
    (attachment,) = content.attachments
    assert (attachment.filename, attachment.mimetype) == ("invite.ics", "text/calendar")
    calendar = Calendar.from_ical(attachment.content)
    assert str(calendar["method"]) == attachment.params["method"]
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def _all_text(content, text, html) -> str:
    parts = [content.subject, text, html, repr(content.context)]
    parts += [a.content.decode() for a in content.attachments]
    return "\n".join(parts)


def test_every_kind_has_a_builder(app):
    assert set(KINDS) <= set(registered_kinds(app))


@pytest.mark.parametrize(("month_day", "utc_hour"), [(WINTER, 0), (SUMMER, 23)])
def test_confirmation_has_zoom_link_rules_and_a_request_invite(db, make_session, member, month_day, utc_hour):
    starts = next_date(*month_day)
    session = make_session(starts_at=starts, zoom_url=ZOOM, ics_sequence=3, title_en="Imposter syndrome")
    register(session_id=session.id, user=member)
    notification, (content, text, html) = _email(db, "registration_confirmed")
    assert content.subject == "Registration confirmed: Imposter syndrome"
    assert f"Join on Zoom: {ZOOM}" in text and f'<a href="{ZOOM}">' in html
    assert "Sessions start and end on time." in text and "Sessions start and end on time." in html
    assert "Keep what you hear in the room" in text and "<li>Speak honestly" in html
    assert "7:00\u202fp.m. ET to 8:00\u202fp.m. ET" in text
    assert f"http://127.0.0.1:5000/en/sessions/{session.id}" in text

    calendar, event = _invite(content)
    assert str(calendar["method"]) == "REQUEST"
    assert str(event["uid"]) == session_uid(session)
    assert int(event["sequence"]) == 3
    start = event.decoded("dtstart")
    assert start.utcoffset() == timedelta(0) and event["dtstart"].to_ical().endswith(b"Z")
    assert (start.hour, start.minute) == (utc_hour, 0)
    assert start.astimezone(EASTERN).hour == 19 and start == starts.astimezone(timezone.utc)
    assert str(event["summary"]) == "Imposter syndrome"
    assert str(event["location"]) == ZOOM and str(event["url"]) == ZOOM
    assert ZOOM in str(event["description"]) and "start and end on time" in str(event["description"])
    assert str(event["attendee"]) == f"mailto:{member.email}"
    assert str(event["organizer"]).startswith("mailto:")


def test_confirmation_in_french_with_newfoundland_time_beside_eastern(db, make_session, make_user):
    member = make_user(locale="fr", province="NL", first_name="Élise")
    session = make_session(starts_at=next_date(*WINTER), zoom_url=ZOOM, title_fr="Le syndrome de l'imposteur",
                           description_fr="Une description.")
    register(session_id=session.id, user=member)
    notification, (content, text, html) = _email(db, "registration_confirmed")
    assert notification.locale == "fr"
    assert content.subject == "Inscription confirmée : Le syndrome de l'imposteur"
    assert "Bonjour Élise," in text
    assert "20 h 30 HT à 21 h 30 HT" in text and "(19 h 00 HE)" in text
    assert f"Rejoindre la séance sur Zoom : {ZOOM}" in text
    assert "Les séances commencent et se terminent à l'heure." in html
    assert f"/fr/sessions/{session.id}" in text
    assert "Hello" not in text and "Sessions start" not in html
    _calendar, event = _invite(content)
    assert str(event["summary"]) == "Le syndrome de l'imposteur"
    assert str(event["description"]).startswith("Cette séance se déroule en anglais.\n\nUne description.")
    assert "Les séances commencent et se terminent à l'heure." in str(event["description"])


def test_pacific_member_sees_pacific_time_beside_eastern(db, make_session, make_user):
    member = make_user(province="BC")
    session = make_session(starts_at=next_date(*SUMMER))
    register(session_id=session.id, user=member)
    _notification, (_content, text, _html) = _email(db, "registration_confirmed")
    assert "4:00\u202fp.m. PT to 5:00\u202fp.m. PT" in text and "(7:00\u202fp.m. ET)" in text


def test_waitlisted_email_never_has_the_zoom_link(db, make_session, make_user):
    session = make_session(capacity=1, zoom_url=ZOOM)
    register(session_id=session.id, user=make_user())
    for lang in ("en", "fr"):
        member = make_user(locale=lang)
        register(session_id=session.id, user=member)
        notification, (content, text, html) = _email(db, "waitlisted", user_id=member.id)
        assert content.attachments == []
        assert "zoom.example.invalid" not in _all_text(content, text, html)
        expected = {"en": "you are on its waiting list, in position", "fr": "vous êtes donc sur sa liste d'attente"}
        assert expected[lang] in text
    assert "position 2" in text or "position 2" in text.replace("\u00a0", " ")


def test_promotion_email_has_zoom_link_and_a_newer_invite(db, make_session, make_user):
    session = make_session(capacity=1, zoom_url=ZOOM, ics_sequence=1)
    first, second = make_user(), make_user()
    register(session_id=session.id, user=first)
    register(session_id=session.id, user=second)
    cancel(session_id=session.id, user=first)
    _notification, (content, text, html) = _email(db, "promoted")
    assert content.subject.startswith("A place opened up for you")
    assert ZOOM in text and ZOOM in html and "Rules of engagement" in text
    calendar, event = _invite(content)
    assert str(calendar["method"]) == "REQUEST"
    assert int(event["sequence"]) == 2  # session sequence 1 + the registration's revision 1
    assert str(event["location"]) == ZOOM


def test_cancellation_sends_a_cancel_that_outranks_the_request(db, make_session, member):
    session = make_session(zoom_url=ZOOM, ics_sequence=4, starts_at=next_date(*SUMMER))
    register(session_id=session.id, user=member)
    request_notification = outbox(db, kind="registration_confirmed")[0]
    cancel(session_id=session.id, user=member)
    assert build(db, request_notification) is None  # the confirmation no longer applies
    _notification, (content, text, html) = _email(db, "cancellation_confirmed")
    assert content.subject.startswith("Registration cancelled:")
    assert "frees your place" in text
    assert "zoom.example.invalid" not in _all_text(content, text, html)
    calendar, event = _invite(content)
    assert str(calendar["method"]) == "CANCEL"
    assert str(event["uid"]) == session_uid(session)
    assert int(event["sequence"]) == 5 and str(event["status"]) == "CANCELLED"
    assert event.decoded("dtstart").hour == 23


def test_registering_again_sends_a_request_that_outranks_the_cancel(db, make_session, member):
    session = make_session(ics_sequence=0)
    register(session_id=session.id, user=member)
    cancel(session_id=session.id, user=member)
    cancel_notification = outbox(db, kind="cancellation_confirmed")[0]
    register(session_id=session.id, user=member)
    assert build(db, cancel_notification) is None  # a CANCEL now would remove the new place from the calendar
    _notification, (content, _text, _html) = _email(db, "registration_confirmed", status="pending")
    assert int(_invite(content)[1]["sequence"]) == 2


def test_leaving_the_waiting_list_is_confirmed_without_an_invite(db, make_session, make_user):
    session = make_session(capacity=1, zoom_url=ZOOM)
    register(session_id=session.id, user=make_user())
    member = make_user(locale="fr")
    register(session_id=session.id, user=member)
    cancel(session_id=session.id, user=member)
    _notification, (content, text, html) = _email(db, "cancellation_confirmed", user_id=member.id)
    assert content.attachments == []
    assert "Vous avez quitté la liste d'attente" in content.subject + text
    assert "zoom.example.invalid" not in _all_text(content, text, html)


@pytest.mark.parametrize(("kind", "phrase"), [("reminder_24h", "your session is tomorrow"),
                                              ("reminder_1h", "Your session starts in one hour")])
def test_reminders_carry_the_zoom_link(db, make_session, member, kind, phrase):
    session = make_session(zoom_url=ZOOM)
    register(session_id=session.id, user=member)
    _notification, (content, text, html) = _email(db, kind)
    assert phrase in text and phrase in html
    assert ZOOM in text and content.attachments == []


def test_reminders_no_longer_apply_after_cancel(db, make_session, member):
    session = make_session()
    register(session_id=session.id, user=member)
    reminders = [n for n in outbox(db) if n.kind.startswith("reminder")]
    cancel(session_id=session.id, user=member)
    assert [build(db, n) for n in reminders] == [None, None]
    assert {n.status for n in outbox(db) if n.kind.startswith("reminder")} == {"skipped"}


def test_nothing_is_sent_for_a_cancelled_session(db, make_session, member):
    session = make_session()
    register(session_id=session.id, user=member)
    session.status = "cancelled"
    db.add(session)
    db.commit()
    assert [build(db, n) for n in outbox(db)] == [None, None, None]


def test_reminders_skip_a_moved_session_and_the_new_time_gets_its_own(app, db, make_session, member):
    """Staff moving a session tells registrations through the sessions' `session_changed` signal."""
    from portal.sessions.signals import session_changed

    session = make_session(starts_at=in_days(7))
    register(session_id=session.id, user=member)
    old = [n for n in outbox(db) if n.kind.startswith("reminder")]
    db.refresh(session)
    before = session.starts_at
    session.starts_at += timedelta(days=1)
    session.ends_at += timedelta(days=1)
    session.ics_sequence += 1
    db.add(session)
    session_changed.send(app, db=db, session=session, changes={"starts_at": (before, session.starts_at)})
    db.commit()
    assert [build(db, n) for n in old] == [None, None]
    new = [n for n in outbox(db) if n.kind.startswith("reminder") and n.id not in {o.id for o in old}]
    assert [n.due_at for n in new] == [session.starts_at - timedelta(hours=24), session.starts_at - timedelta(hours=1)]
    assert all(build(db, n) is not None for n in new)


def test_registering_after_the_24_hour_mark_gets_only_the_1_hour_reminder(db, make_session, member):
    from portal.extensions import utcnow

    session = make_session(starts_at=utcnow() + timedelta(hours=5))
    register(session_id=session.id, user=member)
    assert [n.kind for n in outbox(db)] == ["registration_confirmed", "reminder_1h"]
    assert build(db, outbox(db, kind="reminder_1h")[0]) is not None


def test_titles_are_escaped_in_html_but_plain_in_text(db, make_session, member):
    session = make_session(title_en="Grief & <loss>")
    register(session_id=session.id, user=member)
    _notification, (_content, text, html) = _email(db, "registration_confirmed")
    assert "Grief &amp; &lt;loss&gt;" in html and "<loss>" not in html
    assert "Grief & <loss>" in text


def _staff_change(session_id: int, queue, *, cancel: bool = False) -> None:
    """What the staff console does to a session (moved an hour later, or cancelled), in a committed transaction,
    with the emails members are owed queued."""
    from portal.extensions import db as portal_db
    from portal.sessions.models import SupportSession

    with portal_db.new_session(write=True) as tx:
        row = tx.get(SupportSession, session_id)
        if cancel:
            row.status = "cancelled"
        else:
            row.starts_at += timedelta(hours=1)
            row.ends_at += timedelta(hours=1)
        row.ics_sequence += 1
        queue(tx, row)
        tx.commit()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_template_renders_in_both_languages(db, make_session, make_user, lang):
    session = make_session(capacity=2, zoom_url=ZOOM)
    stays, leaves, promoted, quits, waits = (make_user(locale=lang) for _ in range(5))
    for m in (stays, leaves, promoted, quits, waits):
        register(session_id=session.id, user=m)
    cancel(session_id=session.id, user=quits)  # leaves the waiting list
    cancel(session_id=session.id, user=leaves)  # gives up a place: promoted gets it, waits stays on the list
    built = {}

    def build_new() -> None:
        for notification in outbox(db):
            if notification.kind not in built:
                result = build(db, notification)
                if result is not None:
                    built[notification.kind] = result

    build_new()
    _staff_change(session.id, lambda tx, row: queue_session_changed(
        tx, row, {"starts_at": (row.starts_at, row.starts_at + timedelta(hours=1))}, skip=set()))
    build_new()
    _staff_change(session.id, lambda tx, row: queue_session_cancelled(tx, row), cancel=True)
    build_new()
    assert set(built) == set(KINDS)
    english_only = ("Hello", "Join on Zoom", "waiting list", "Moderator:", "Sessions start")
    for kind, (content, text, html) in built.items():
        assert text.strip() and html.strip() and content.subject
        assert "{{" not in text + html and "%(" not in content.subject
        if lang == "fr":
            assert not [p for p in english_only if p in content.subject + text + html], (kind, text)
            assert "Bonjour" in text and "Bonjour" in html
