"""The session form over HTTP: every field refused with bad input, beside the field, in the staff member's language,
with everything typed kept; the hour daylight saving repeats or skips; draft against publish; the preview."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import re

import pytest
from sqlalchemy import func
from sqlmodel import select

from portal.sessions.models import SupportSession
from portal.staff.models import StaffAction
from portal.times import EASTERN, eastern_instant
from tests.staff.conftest import fall_back_day, field_error, fresh, session_fields, spring_forward_day, value_of, wall
from tests.when import eastern_day

# What each message says, in both languages (a part of it, enough to tell them apart).
SAYS = {
    "capacity": ("Enter a number of places from 1 to 30.", "Entrez un nombre de places de 1 à 30."),
    "duration_minutes": ("Enter a length from 15 to 240 minutes.", "Entrez une durée de 15 à 240 minutes."),
    "https": ("must start with https://", "doit commencer par https://"),
    "zoom_host": ("must be on zoom.us or one of its subdomains", "doit être sur zoom.us ou l'un de ses sous-domaines"),
    "zoom_shape": ("Enter a Zoom link like", "Entrez un lien Zoom comme"),
    "format": ("Choose one of the four formats.", "Choisissez l'un des quatre formats."),
    "language": ("Choose English, French or bilingual.", "Choisissez anglais, français ou bilingue."),
    "topics": ("Choose topics from the list.", "Choisissez des thèmes dans la liste."),
    "too_long": ("Use at most 200 characters (this has 201).", "Utilisez au plus 200 caractères (ce texte en compte 201)."),
    "one_line": ("Remove line breaks", "Retirez les sauts de ligne"),
    "no_time": ("Enter the date and time the session starts", "Entrez la date et l'heure du début"),
    "bad_time": ("Enter a date and time like 2027-03-04T19:00", "Entrez une date et une heure comme 2027-03-04T19:00"),
    "past": ("The start time has passed", "L'heure de début est passée"),
    "skipped": ("That time does not exist", "Cette heure n'existe pas"),
    "repeated": ("That time happens twice that night", "Cette heure revient deux fois cette nuit-là"),
    "needed": ("Needed to publish", "Nécessaire pour publier"),
}

STARTS = wall(eastern_day(10, "19:00"))
# A title that would break a careless page, kept and escaped when the form comes back.
TRICKY_FR = 'Séance « <b>nuit</b> » & "co"'

BAD = [
    ("capacity", "0", "capacity"), ("capacity", "31", "capacity"), ("capacity", "twelve", "capacity"),
    ("capacity", "", "capacity"), ("capacity", "-3", "capacity"), ("capacity", "1.5", "capacity"),
    ("duration_minutes", "14", "duration_minutes"), ("duration_minutes", "241", "duration_minutes"),
    ("duration_minutes", "90 min", "duration_minutes"), ("duration_minutes", "", "duration_minutes"),
    ("zoom_url", "http://zoom.us/j/5551234567", "https"), ("zoom_url", "zoom.us/j/5551234567", "https"),
    ("zoom_url", "javascript:alert(1)", "https"), ("zoom_url", "https://zoom.us:8443/j/1", "https"),
    ("zoom_url", "https://me:secret@zoom.us/j/1", "https"),
    ("zoom_url", "https://zoom.us.example.com/j/1", "zoom_host"), ("zoom_url", "https://evilzoom.us/j/1", "zoom_host"),
    ("zoom_url", "https://meet.example.org/zoom.us", "zoom_host"), ("zoom_url", "https://[::1/j", "zoom_shape"),
    ("format", "yoga", "format"), ("format", "", "format"),
    ("language", "de", "language"), ("language", "", "language"),
    ("topics", ["stress", "astrology"], "topics"),
    ("title_en", "x" * 201, "too_long"), ("title_en", "Two\nlines", "one_line"),
    ("moderator", "Dr.\u202eevil", "one_line"),
    ("starts_at", "", "no_time"), ("starts_at", "next Tuesday", "bad_time"),
    ("starts_at", "2027-13-01T19:00", "bad_time"), ("starts_at", "2027-02-30T19:00", "bad_time"),
    ("starts_at", "2020-01-07T19:00", "past"),
]


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize(("name", "bad", "says"), BAD, ids=[f"{n}={str(b)[:20]!r}" for n, b, _s in BAD])
def test_bad_input_is_refused_beside_its_field_and_everything_typed_stays(client, post, staff, db, lang, name, bad,
                                                                          says):
    fields = session_fields(STARTS, title_fr=TRICKY_FR, **{name: bad})
    response = post(f"/{lang}/staff/sessions/new", fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    message = field_error(html, name)
    assert message is not None and SAYS[says][0 if lang == "en" else 1] in message, message
    other = SAYS[says][1 if lang == "en" else 0]
    assert other not in html  # in the staff member's language only
    assert 'class="error-summary"' in html and f'href="#{name}"' in html
    assert "<b>nuit</b>" not in html
    for kept in ("title_en", "title_fr", "description_en", "description_fr", "moderator", "starts_at",
                 "duration_minutes", "capacity", "zoom_url"):
        if kept != name or bad == "":
            assert value_of(html, kept) == fields[kept].strip(), kept
    if name not in ("format", "language", "topics"):  # the bad value itself is shown back as typed
        assert value_of(html, name) == bad.strip()
    if name != "topics":
        assert re.search(r'<input checked id="topics-\d+" name="topics" type="checkbox" value="stress">', html)
        assert re.search(r'<input checked id="topics-\d+" name="topics" type="checkbox" value="burnout">', html)
        assert not re.search(r'<input checked [^>]*value="grief">', html)
    if name not in ("format", "language"):
        assert '<option selected value="peer_support">' in html and '<option selected value="bilingual">' in html
    fresh(db)  # end the fixture's read transaction: see what the requests committed
    assert db.exec(select(func.count()).select_from(SupportSession)).one() == 0
    assert db.exec(select(func.count()).select_from(StaffAction)).one() == 0


def test_a_zoom_subdomain_and_the_stored_link_are_accepted(client, post, staff, db, make_session):
    assert post("/en/staff/sessions/new", session_fields(
        STARTS, zoom_url="https://ca01web.zoom.us/j/5551234567?pwd=abc")).status_code == 302
    legacy = make_session(zoom_url="https://zoom.example.invalid/j/1")  # saved before the rule
    fields = session_fields(wall(legacy.starts_at), zoom_url=legacy.zoom_url, capacity="20")
    assert post(f"/en/staff/sessions/{legacy.id}/edit", fields).status_code == 302
    fresh(db)
    assert db.get(SupportSession, legacy.id).capacity == 20
    refused = post(f"/en/staff/sessions/{legacy.id}/edit", {**fields, "zoom_url": "https://zoom.example.invalid/j/2"})
    assert refused.status_code == 422


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_repeated_hour_asks_which_and_stores_the_one_chosen(client, post, staff, db, lang):
    day = fall_back_day()
    typed = f"{day:%Y-%m-%d}T01:30"
    asked = post(f"/{lang}/staff/sessions/new", session_fields(typed))
    html = asked.get_data(as_text=True)
    assert asked.status_code == 422
    assert SAYS["repeated"][0 if lang == "en" else 1] in field_error(html, "starts_at")
    assert '<input id="fold-0" name="fold" type="radio" value="0">' in html
    assert '<input id="fold-1" name="fold" type="radio" value="1">' in html
    assert "fold" not in client.get(f"/{lang}/staff/sessions/new").get_data(as_text=True).replace("unfold", "")
    assert value_of(html, "starts_at") == typed
    for fold, offset_hours in (("0", 4), ("1", 5)):  # EDT then EST
        response = post(f"/{lang}/staff/sessions/new", session_fields(typed, fold=fold, title_en=f"Fold {fold}"))
        assert response.status_code == 302, response.get_data(as_text=True)
        fresh(db)
        stored = db.exec(select(SupportSession).where(SupportSession.title_en == f"Fold {fold}")).one()
        expected = datetime.combine(day, time(1, 30), tzinfo=timezone.utc) + timedelta(hours=offset_hours)
        assert stored.starts_at == expected
    # Editing the second one shows the choice it was saved with, so saving again keeps it.
    second = db.exec(select(SupportSession).where(SupportSession.title_en == "Fold 1")).one()
    page = client.get(f"/{lang}/staff/sessions/{second.id}/edit").get_data(as_text=True)
    assert value_of(page, "starts_at") == typed


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_skipped_hour_is_refused_with_a_reason(client, post, staff, db, lang):
    typed = f"{spring_forward_day():%Y-%m-%d}T02:30"
    response = post(f"/{lang}/staff/sessions/new", session_fields(typed))
    assert response.status_code == 422
    assert SAYS["skipped"][0 if lang == "en" else 1] in field_error(response.get_data(as_text=True), "starts_at")
    fresh(db)
    assert db.exec(select(func.count()).select_from(SupportSession)).one() == 0


def test_the_time_entered_is_eastern_whatever_the_season(client, post, staff, db):
    for month, day, utc_hour in ((1, 15, 0), (7, 15, 23)):  # 19:00 EST is 00:00 UTC; 19:00 EDT is 23:00 UTC
        when = eastern_instant(fall_back_day().replace(month=month, day=day) + timedelta(days=365), time(19))
        response = post("/en/staff/sessions/new", session_fields(wall(when), title_en=f"Month {month}"))
        assert response.status_code == 302
        fresh(db)
        stored = db.exec(select(SupportSession).where(SupportSession.title_en == f"Month {month}")).one()
        assert stored.starts_at.astimezone(timezone.utc).hour == utc_hour
        assert stored.starts_at.astimezone(EASTERN).strftime("%H:%M") == "19:00"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_publishing_needs_both_languages_and_a_draft_lists_what_is_missing(client, post, staff, db, lang):
    fields = session_fields(STARTS, title_fr="", description_fr="", zoom_url="")
    refused = post(f"/{lang}/staff/sessions/new", fields)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    for name in ("title_fr", "description_fr", "zoom_url"):
        assert SAYS["needed"][0 if lang == "en" else 1] in field_error(html, name)
    assert field_error(html, "title_en") is None

    saved = post(f"/{lang}/staff/sessions/new", {**fields, "action": "draft"})
    assert saved.status_code == 302
    fresh(db)
    draft = db.exec(select(SupportSession)).one()
    assert draft.status == "draft" and draft.is_draft
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    missing = {"en": ("French title", "French description", "Zoom link"),
               "fr": ("le titre en français", "la description en français", "Lien Zoom")}[lang]
    for label in missing[:2]:
        assert f"<li>{label}</li>" in page
    assert "English title" not in page.split("Still missing")[-1].split("</ul>")[0] if lang == "en" else True

    # Not public: not in the listing, its page, the calendar feed, nor open to registration.
    assert draft.title_en not in client.get(f"/{lang}/sessions").get_data(as_text=True)
    assert client.get(f"/{lang}/sessions/{draft.id}").status_code == 404
    assert client.get(f"/{lang}/sessions/{draft.id}.ics").status_code == 404
    assert draft.title_en not in client.get("/en/sessions.ics").get_data(as_text=True)
    # The preview shows it to staff, in the language of the URL.
    for preview_lang, title in (("en", draft.title_en), ("fr", draft.title_en)):
        preview = client.get(f"/{preview_lang}/staff/sessions/{draft.id}/preview")
        assert preview.status_code == 200 and title in preview.get_data(as_text=True)

    complete = {**fields, "title_fr": "Soutien de nuit", "description_fr": "Pour le travail de nuit.",
                "zoom_url": "https://zoom.us/j/5551234567", "action": "publish"}
    assert post(f"/{lang}/staff/sessions/{draft.id}/edit", complete).status_code == 302
    fresh(db)
    assert db.get(SupportSession, draft.id).status == "scheduled"
    assert client.get(f"/{lang}/sessions/{draft.id}").status_code == 200
    fresh(db)
    actions = db.exec(select(StaffAction.action).order_by(StaffAction.id)).all()
    assert actions == ["created_draft", "published"]


def test_a_draft_needs_a_title_in_one_language_and_cannot_come_back_once_published(client, post, staff, db,
                                                                                   make_session):
    empty = post("/fr/staff/sessions/new", {"action": "draft", "starts_at": STARTS, "format": "peer_support",
                                            "language": "fr", "capacity": "30", "duration_minutes": "60"})
    assert empty.status_code == 422
    assert "Donnez au brouillon un titre" in field_error(empty.get_data(as_text=True), "title_en")
    published = make_session()
    back = post(f"/en/staff/sessions/{published.id}/edit",
                session_fields(wall(published.starts_at), action="draft", zoom_url=published.zoom_url))
    assert back.status_code == 422
    assert "cannot go back to being a draft" in back.get_data(as_text=True)


def test_a_draft_whose_time_has_passed_cannot_be_published(client, post, staff, db, make_session):
    from tests.when import in_days

    draft = make_session(status="draft", starts_at=in_days(-1), zoom_url="https://zoom.us/j/1")
    response = post(f"/en/staff/sessions/{draft.id}/edit",
                    session_fields(wall(draft.starts_at), zoom_url="https://zoom.us/j/1"))
    assert response.status_code == 422
    assert SAYS["past"][0] in field_error(response.get_data(as_text=True), "starts_at")
    fresh(db)
    assert db.get(SupportSession, draft.id).status == "draft"


def test_unknown_sessions_are_404_and_a_cancelled_one_cannot_be_edited(client, post, staff, db, make_session):
    assert client.get("/en/staff/sessions/999999/edit").status_code == 404
    assert post("/en/staff/sessions/999999/edit", session_fields(STARTS)).status_code == 404
    assert post("/en/staff/sessions/999999/cancel", {"confirm": "yes"}).status_code == 404
    assert post("/en/staff/sessions/999999/duplicate", {}).status_code == 404
    cancelled = make_session(status="cancelled")
    response = post(f"/fr/staff/sessions/{cancelled.id}/edit",
                    session_fields(wall(cancelled.starts_at), capacity="5", zoom_url=cancelled.zoom_url))
    assert response.status_code == 422
    assert "Cette séance est annulée et ne peut plus être modifiée." in response.get_data(as_text=True)
    fresh(db)
    assert db.get(SupportSession, cancelled.id).capacity == 30


def test_saving_the_form_unchanged_changes_nothing_and_records_nothing(client, post, staff, db, make_session):
    """Browsers send a textarea's line breaks as CRLF and ticked boxes in the form's order: neither is a change."""
    session = make_session(description_en="First paragraph.\n\nSecond paragraph.", topics=["stress", "burnout"],
                           zoom_url="https://zoom.us/j/1", starts_at=eastern_day(10, "19:00"))
    fields = session_fields(wall(session.starts_at), title_en=session.title_en, title_fr=session.title_fr,
                            description_en="First paragraph.\r\n\r\nSecond paragraph.",
                            description_fr=session.description_fr, format=session.format,
                            topics=["burnout", "stress"], language=session.language, moderator=session.moderator,
                            duration_minutes="60", capacity="30", zoom_url=session.zoom_url)
    response = post(f"/en/staff/sessions/{session.id}/edit", fields)
    assert response.status_code == 302
    assert "Nothing was changed." in client.get(response.headers["Location"]).get_data(as_text=True)
    fresh(db)
    assert db.exec(select(func.count()).select_from(StaffAction)).one() == 0
    assert db.get(SupportSession, session.id).ics_sequence == 0
