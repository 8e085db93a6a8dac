"""The public listing: grouping, filters (good and bad), htmx fragment, pagination, constant query count."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from html import unescape

import pytest
from sqlalchemy import event
from sqlalchemy.engine.default import CACHE_HIT
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from portal import create_app
from portal.extensions import db as portal_db
from portal.sessions.models import SupportSession
from portal.sessions.services import ListingFilters, list_upcoming
from portal.times import EASTERN
from tests.when import eastern_day, in_days


def html_of(response) -> str:
    return response.get_data(as_text=True)


def test_listing_groups_upcoming_sessions_by_date_with_the_facts(client, make_session):
    make_session(starts_at=eastern_day(3, "19:00"), title_en="Imposter syndrome", moderator="Dr. Daniela Isfan",
                 capacity=5, places_taken=2)
    make_session(starts_at=eastern_day(3, "12:00"), title_en="Noon drop-in", format="drop_in", language="bilingual")
    make_session(starts_at=eastern_day(5), title_en="Later one")
    make_session(starts_at=in_days(-2), title_en="Already happened")

    html = html_of(client.get("/en/sessions"))
    assert "3 sessions found" in html
    assert "Already happened" not in html
    assert html.count('class="day__heading"') == 2
    assert html.index(">Noon drop-in</a>") < html.index(">Imposter syndrome</a>") < html.index(">Later one</a>")
    assert "Dr. Daniela Isfan" in html
    assert "7:00\u202fp.m. ET" in html
    assert "3 places left" in html  # 5 places, 2 taken
    assert "Bilingual (English and French)" in html


def test_full_and_cancelled_sessions_say_so(client, make_session):
    make_session(capacity=1, places_taken=1, title_en="Tiny")
    make_session(title_en="Called off", status="cancelled")
    html = html_of(client.get("/en/sessions"))
    assert "Full: waiting list open" in html
    assert "Cancelled" in html


def test_french_listing_uses_french_titles_and_times(client, make_session):
    make_session(title_en="English title", title_fr="Titre français", starts_at=eastern_day(7))
    make_session(title_en="Only English", title_fr="", starts_at=eastern_day(8))
    html = html_of(client.get("/fr/sessions"))
    assert "Titre français" in html and "English title" not in html
    assert '<span lang="en">Only English</span>' in html
    assert "19\u00a0h\u00a0(HE)" in html
    assert "2 séances trouvées" in html
    assert "30 places restantes" in html  # the card macro's strings (templates/_macros/) are translated too


@pytest.mark.parametrize(("query", "expected", "absent"), [
    ("format=drop_in", ["Drop"], ["Rounds", "Peer"]),
    ("topic=grief", ["Peer"], ["Drop", "Rounds"]),
    ("language=fr", ["Rounds", "Drop"], ["Peer"]),  # French sessions and bilingual ones
    ("language=bilingual", ["Drop"], ["Peer", "Rounds"]),
    ("q=happiness", ["Rounds"], ["Peer", "Drop"]),
    ("q=bonheur", ["Rounds"], ["Peer", "Drop"]),  # searches the French text too
    ("q=isfan", ["Peer"], ["Rounds", "Drop"]),  # and the moderator
    ("q=100%25", [], ["Peer", "Rounds", "Drop"]),  # LIKE wildcards are literal
])
def test_filters_narrow_the_results(client, make_session, query, expected, absent):
    make_session(starts_at=in_days(2), title_en="Peer", format="peer_support", topics=["grief"], moderator="Dr. Isfan")
    make_session(starts_at=in_days(3), title_en="Rounds", format="compassion_rounds", language="fr", topics=["happiness"],
                 description_en="On happiness", description_fr="Sur le bonheur")
    make_session(starts_at=in_days(4), title_en="Drop", format="drop_in", language="bilingual")
    html = html_of(client.get(f"/en/sessions?{query}"))
    for title in expected:
        assert f">{title}</a>" in html
    for title in absent:
        assert f">{title}</a>" not in html


def test_date_filters_use_eastern_dates(client, make_session):
    inside = make_session(starts_at=eastern_day(10), title_en="Inside")
    make_session(starts_at=eastern_day(20), title_en="Outside")
    day = inside.starts_at.astimezone(EASTERN).date()
    html = html_of(client.get(f"/en/sessions?from={day}&to={day}"))
    assert ">Inside</a>" in html and ">Outside</a>" not in html


def test_empty_result_says_so_and_offers_to_clear(client, make_session):
    make_session()
    html = html_of(client.get("/en/sessions?q=nothing-matches-this"))
    assert "No upcoming session matches these filters." in html
    assert 'href="/en/sessions">Clear the filters' in html


@pytest.mark.parametrize(("query", "message"), [
    ("format=knitting", "That format does not exist"),
    ("topic=%3Cscript%3E", "That topic does not exist"),
    ("language=de", "That language is not offered"),
    ("from=31-12-2026", "Dates look like 2026-03-31"),
    ("to=2026-02-30", "Dates look like 2026-03-31"),
    ("page=-1", "That page does not exist, so the first page is shown"),
    ("page=abc", "That page does not exist, so the first page is shown"),
    ("page=99", "That page does not exist, so the last page is shown"),
    ("q=" + "x" * 5000, "shortened to its first 200 characters"),
    ("from=2027-05-01&to=2027-01-01", "wrong way round"),
])
def test_bad_filter_values_are_corrected_with_a_message(client, make_session, query, message):
    make_session()
    response = client.get(f"/en/sessions?{query}")
    assert response.status_code == 200
    assert message in html_of(response)


def test_bad_filter_message_in_french(client):
    assert "Ce format n'existe pas" in unescape(html_of(client.get("/fr/sessions?format=tricot")))


def test_search_text_is_escaped(client, make_session):
    make_session()
    html = html_of(client.get('/en/sessions?q=%3Cscript%3Ealert(1)%3C/script%3E'))
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)" in html


def test_htmx_request_gets_only_the_results_fragment(client, make_session):
    make_session(title_en="Fragment me")
    full = client.get("/en/sessions?format=peer_support")
    fragment = client.get("/en/sessions?format=peer_support", headers={"HX-Request": "true"})
    assert "HX-Request" in full.headers["Vary"] and "HX-Request" in fragment.headers["Vary"]
    assert "<html" in html_of(full) and "<form" in html_of(full)
    body = html_of(fragment)
    assert body.lstrip().startswith('<section id="results"')
    assert "<html" not in body and "<form" not in body
    assert "Fragment me" in body
    assert len(body) < len(html_of(full)) / 2


@pytest.mark.parametrize("header", ["HX-Boosted", "HX-History-Restore-Request"])
def test_boosted_and_history_restore_requests_get_the_full_page(client, header):
    response = client.get("/en/sessions", headers={"HX-Request": "true", header: "true"})
    assert "<html" in html_of(response)


def test_filter_form_works_without_javascript_and_is_htmx_enhanced(client):
    html = html_of(client.get("/en/sessions"))
    assert '<form class="filters" method="get" action="/en/sessions"' in html
    for attribute in ('hx-get="/en/sessions"', 'hx-push-url="true"', 'hx-indicator="#results-loading"',
                      'hx-target="#results"'):
        assert attribute in html
    assert 'aria-live="polite"' in html


def test_pagination_keeps_filters(client, make_session, app):
    app.config["SESSIONS_PER_PAGE"] = 2
    for day in range(1, 6):
        make_session(starts_at=in_days(day), format="drop_in")
    html = html_of(client.get("/en/sessions?format=drop_in"))
    assert "Page 1 of 3" in html
    assert 'href="/en/sessions?format=drop_in&amp;page=2"' in html
    page3 = html_of(client.get("/en/sessions?format=drop_in&page=3"))
    assert "Page 3 of 3" in page3 and 'rel="prev"' in page3 and 'rel="next"' not in page3


def _select_count(statements):
    return len([s for s in statements if s.lstrip().upper().startswith("SELECT")])


def test_listing_runs_a_constant_number_of_queries(client, make_session, db, query_counter):
    def measure():
        query_counter.clear()
        assert client.get("/en/sessions").status_code == 200
        return _select_count(query_counter)

    for day in range(10):
        make_session(starts_at=in_days(1 + day / 10), commit=False)
    db.commit()
    small = measure()
    for n in range(490):
        make_session(starts_at=in_days(1 + n / 100), places_taken=n % 7, commit=False)
    db.commit()
    large = measure()
    assert small == large == 2  # one count, one page of sessions (their places are on the row)


def test_each_request_binds_its_values_to_the_same_prebuilt_statements(client, make_session, app, db):
    """The listing's two statements are built once: requests with other filter values, another page and another
    instant execute the very same statement objects, and SQLAlchemy finds their compiled SQL in its cache."""
    app.config["SESSIONS_PER_PAGE"] = 1
    make_session(starts_at=in_days(2), title_en="Grief talk", title_fr="Grief talk", language="fr", topics=["grief"])
    make_session(starts_at=in_days(3), title_en="Stress talk", title_fr="Stress talk", language="en", topics=["stress"])
    make_session(starts_at=in_days(4), title_en="Grief again", title_fr="Grief again", language="bilingual", topics=["grief"])
    executed, cache = [], []

    def remember(state):
        if state.is_select:
            executed.append(state.statement)

    def cache_state(_conn, _cursor, statement, _parameters, context, _many):
        if "FROM support_session" in statement:
            cache.append(context.cache_hit is CACHE_HIT)

    event.listen(Session, "do_orm_execute", remember)
    event.listen(portal_db.engine, "after_cursor_execute", cache_state)
    try:
        shown = []
        for url in ("/en/sessions?language=fr&topic=grief&q=talk", "/fr/sessions?language=en&topic=stress&q=talk",
                    "/en/sessions?language=en&topic=grief&q=grief&page=2"):
            executed.clear()
            cache.clear()
            html = html_of(client.get(url))
            shown.append([title for title in ("Grief talk", "Stress talk", "Grief again") if f">{title}</a>" in html])
            if url.startswith("/en/sessions?language=fr"):
                statements = list(executed)
            assert len(executed) == 2 and all(a is b for a, b in zip(executed, statements)), url
            assert url.startswith("/en/sessions?language=fr") or cache == [True, True], url
    finally:
        event.remove(Session, "do_orm_execute", remember)
        event.remove(portal_db.engine, "after_cursor_execute", cache_state)
    assert shown == [["Grief talk"], ["Stress talk"], ["Grief again"]]


NOW = datetime(2031, 3, 3, 17, 0, tzinfo=timezone.utc)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def listing_db(request, app_config):
    """A session on SQLite or PostgreSQL holding three sessions after NOW (and one before it)."""
    if request.param == "postgresql":
        app_config.DATABASE_URL = request.getfixturevalue("postgres_url")
    application = create_app(app_config)
    with application.app_context():
        SQLModel.metadata.create_all(portal_db.engine)
        session = portal_db.session
        for title, days, fields in (
                ("Peer", 1, dict(format="peer_support", language="en", topics=["grief"], moderator="Dr. Isfan")),
                ("Rounds", 2, dict(format="compassion_rounds", language="fr", topics=["happiness"],
                                   description_fr="Sur le bonheur, 100% en français")),
                ("Drop", 3, dict(format="drop_in", language="bilingual", topics=["stress", "grief"])),
                ("Past", -1, dict(format="drop_in", language="en", topics=["grief"]))):
            starts = NOW + timedelta(days=days)
            session.add(SupportSession(title_en=title, title_fr=title, description_en=f"About {title}.",
                                       description_fr=fields.pop("description_fr", f"À propos de {title}."),
                                       moderator=fields.pop("moderator", "Dr. Test"), starts_at=starts,
                                       ends_at=starts + timedelta(hours=1), **fields))
        session.commit()
        yield session
        session.close()
    with application.app_context():
        portal_db.dispose()


@pytest.mark.parametrize(("filters", "expected"), [
    (ListingFilters(), ["Peer", "Rounds", "Drop"]),
    (ListingFilters(format="drop_in"), ["Drop"]),
    (ListingFilters(topic="grief"), ["Peer", "Drop"]),
    (ListingFilters(language="fr"), ["Rounds", "Drop"]),
    (ListingFilters(language="bilingual"), ["Drop"]),
    (ListingFilters(date_from=date(2031, 3, 5)), ["Rounds", "Drop"]),
    (ListingFilters(date_to=date(2031, 3, 4)), ["Peer"]),
    (ListingFilters(q="bonheur 100%"), ["Rounds"]),
    (ListingFilters(q="ISFAN about"), ["Peer"]),
    (ListingFilters(q="ab_ut"), []),  # LIKE wildcards are literal
    (ListingFilters(topic="grief", language="en", q="about"), ["Peer", "Drop"]),
    (ListingFilters(page=2), ["Drop"]),
])
def test_every_filter_finds_the_same_sessions_on_both_databases(listing_db, filters, expected):
    per_page = 2 if filters.page == 2 else 20
    listing = list_upcoming(listing_db, filters=filters, per_page=per_page, now=NOW)
    assert [item.title_en for item in listing.items] == expected
    assert listing.total == (3 if filters.page == 2 else len(expected))
