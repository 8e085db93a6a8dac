"""Every calendar the portal hands out, read back as clients read it (icalendar and ical.js): feeds are plain
snapshots (no METHOD, so no ORGANIZER needed), invites are iTIP messages with an ORGANIZER, the public entry never
shares a UID with a member's invite, every entry says which language the session is held in, UIDs do not follow
the site's address, and invites say that only the portal releases a place."""
from __future__ import annotations

import re
from email import message_from_bytes, policy

import pytest
from icalendar import Calendar

from portal.notifications.compose import compose
from portal.registrations.feeds import feed_for, issue_feed_token
from tests.registrations.registration_helpers import outbox, register
from tests.staff.conftest import icaljs  # noqa: F401  (the fixture)
from tests.when import in_days

HELD_IN = {
    ("en", "en"): "This session is held in English.", ("fr", "en"): "This session is held in French.",
    ("bilingual", "en"): "This session is held in English and French.",
    ("en", "fr"): "Cette séance se déroule en anglais.", ("fr", "fr"): "Cette séance se déroule en français.",
    ("bilingual", "fr"): "Cette séance se déroule en anglais et en français.",
}
RELEASE = {"en": "Declining in your calendar app does not release it.",
           "fr": "Refuser dans votre application de calendrier ne libère pas la place."}
RELEASE_EMAIL = {"en": "Declining the invitation in your calendar app does not release your place",
                 "fr": "Refuser l’invitation dans votre application de calendrier ne libère pas votre place"}


def _email(db, notification):
    db.rollback()
    return message_from_bytes(compose(notification, db).as_bytes(), policy=policy.default)


def every_calendar(client, db, session, member, lang):
    """{name: ics bytes} for everything a member of this language can get for the session: the public feed, the
    public single event, their private feed, and the REQUEST invite (attachment and inline part) and CANCEL."""
    calendars = {"public feed": client.get(f"/{lang}/sessions.ics").get_data(),
                 "public event": client.get(f"/{lang}/sessions/{session.id}.ics").get_data(),
                 "private feed": feed_for(db, member, lang=lang)}
    (confirmed,) = outbox(db, kind="registration_confirmed", user_id=member.id)
    message = _email(db, confirmed)
    alternative, attachment = message.get_payload()
    calendars["invite"] = attachment.get_payload(decode=True)
    calendars["inline invite"] = alternative.get_payload()[-1].get_content().encode()
    return calendars, message


@pytest.fixture
def held(make_session, make_user):
    """A member of each language holding a place in a session of each language."""
    def _held(session_language: str, lang: str):
        session = make_session(starts_at=in_days(5), language=session_language, title_en="Grief in practice",
                               title_fr="Le deuil en pratique", zoom_url="https://zoom.example.invalid/j/5")
        member = make_user(locale=lang)
        register(session_id=session.id, user=member)
        return session, member
    return _held


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("session_language", ["en", "fr", "bilingual"])
def test_every_calendar_follows_itip_and_says_the_language(client, db, held, icaljs, lang,  # noqa: F811
                                                          session_language):
    session, member = held(session_language, lang)
    calendars, message = every_calendar(client, db, session, member, lang)
    names = list(calendars)
    for name, parsed in zip(names, icaljs(list(calendars.values()))):
        calendar = Calendar.from_ical(calendars[name])
        events = [e for e in calendar.walk("VEVENT") if str(e["uid"]).startswith(f"support-session-{session.id}")]
        assert events, name
        if "invite" in name:
            assert parsed["method"] == "REQUEST" and all("organizer" in e for e in events), name
        else:  # a feed: a snapshot with no METHOD, so RFC 5546 asks for no ORGANIZER
            assert parsed["method"] is None and "method" not in calendar, name
        for event in parsed["events"]:
            if event["uid"].startswith(f"support-session-{session.id}"):
                assert HELD_IN[(session_language, lang)] in event["description"], name
                if name in ("invite", "inline invite", "private feed"):
                    assert RELEASE[lang] in event["description"], name
    for part in (message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()):
        assert RELEASE_EMAIL[lang] in part.replace("&#39;", "'").replace("&rsquo;", "’")


def test_the_public_entry_never_shares_a_uid_with_the_members_copy(client, db, held):
    """Importing "Add to my calendar" (or subscribing to the public feed) can never overwrite the invite."""
    session, member = held("en", "en")
    calendars, _message = every_calendar(client, db, session, member, "en")
    uids = {name: {str(e["uid"]) for e in Calendar.from_ical(body).walk("VEVENT")} for name, body in calendars.items()}
    public = uids["public feed"] | uids["public event"]
    personal = uids["invite"] | uids["inline invite"] | uids["private feed"]
    assert uids["invite"] == uids["inline invite"] == uids["private feed"]  # the member's one entry
    assert public and personal and not public & personal


def test_uids_keep_their_domain_when_the_site_moves(app, client, db, held):
    """UIDs come from a fixed domain (PORTAL_CALENDAR_UID_DOMAIN, default MAIL_FROM's), never PORTAL_BASE_URL."""
    session, member = held("en", "en")

    def uids():
        calendars, _message = every_calendar(client, db, session, member, "en")
        return {str(e["uid"]) for body in calendars.values() for e in Calendar.from_ical(body).walk("VEVENT")}

    before = uids()
    assert before == {f"support-session-{session.id}@localhost", f"support-session-{session.id}-public@localhost"}
    app.config["PORTAL_BASE_URL"] = "https://new-home.example"
    assert uids() == before
    app.config["PORTAL_CALENDAR_UID_DOMAIN"] = "calendar.example"
    assert {uid.rsplit("@", 1)[1] for uid in uids()} == {"calendar.example"}


@pytest.mark.parametrize(("lang", "label"), [("en", "Subscribe to the sessions in my calendar app"),
                                             ("fr", "M’abonner aux séances dans mon application de calendrier")])
def test_feeds_are_offered_as_subscriptions_beside_the_download(client, lang, label):
    html = client.get(f"/{lang}/faq").get_data(as_text=True)
    assert f'href="/{lang}/sessions.ics"' in html
    assert f'<a href="webcal://127.0.0.1:5000/{lang}/sessions.ics">{label}</a>' in html.replace("&#39;", "'")


def test_the_new_private_feed_address_comes_with_a_subscription_link(client, post, login, member):
    login(member)
    response = post("/en/account/calendar-feed", {})
    html = response.get_data(as_text=True)
    # The view's own policy survives (the address is a secret) and still lets the page's forms post over HTTPS.
    assert response.headers["Referrer-Policy"] == "strict-origin"
    https_url = re.search(r'value="(http://127\.0\.0\.1:5000/calendar/[^"]+\.ics)"', html).group(1)
    assert f'href="{https_url.replace("http://", "webcal://", 1)}"' in html


def test_issued_feed_token_reads_in_icaljs_without_a_method(db, member, icaljs):  # noqa: F811
    issue_feed_token(db, member)
    db.commit()
    [parsed] = icaljs([feed_for(db, member)])
    assert parsed["method"] is None and parsed["version"] == "2.0"
