"""The console's pages: the overview (numbers only), the session list with its filters and fragments, the record of
staff actions; each page runs a fixed number of queries."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.notifications.models import Notification
from portal.staff.models import StaffAction
from tests.registrations.registration_helpers import register
from tests.staff.conftest import fresh
from tests.when import in_days


def _selects(statements: list[str]) -> int:
    return sum(1 for s in statements if s.lstrip().upper().startswith("SELECT"))


def test_the_overview_counts_places_and_waiting_lists_and_never_names_anyone(client, staff, db, make_session,
                                                                              make_user):
    small = make_session(title_en="Small group", capacity=1, starts_at=in_days(3))
    make_session(title_en="Old group", starts_at=in_days(-3))
    make_session(title_en="Called off", status="cancelled", starts_at=in_days(4))
    make_session(title_en="Quiet draft", status="draft", starts_at=in_days(5))
    people = [make_user(first_name=f"Visible{n}", last_name=f"Surname{n}", email=f"who{n}@example.org")
              for n in range(3)]
    for person in people:
        register(session_id=small.id, user=person)
    db.add(Notification(kind="reminder_24h", recipient_email="x@example.org", locale="en", status="failed",
                        dedupe_key="f1", payload="{}"))
    db.commit()
    html = client.get("/en/staff").get_data(as_text=True)
    row = html.split("Small group")[1].split("</tr>")[0]
    assert "1 of 1" in row and re.search(r"<td>2</td>\s*$", row)  # one place taken, two waiting
    assert "Quiet draft" in html and "Old group" not in html and "Called off" not in html
    assert "<strong>1</strong> email failed" in html
    for person in people:  # numbers only
        for detail in (person.first_name, person.last_name, person.email):
            assert detail not in html
    assert "Visible" not in client.get("/en/staff/sessions").get_data(as_text=True)
    assert "who0@" not in client.get(f"/en/staff/sessions/{small.id}/edit").get_data(as_text=True)


def test_the_list_puts_upcoming_first_marks_every_status_and_filters(client, staff, db, make_session):
    later = make_session(title_en="Later circle", starts_at=in_days(9))
    soon = make_session(title_en="Soon circle", starts_at=in_days(2), moderator="Dr. Aurore Lavoie")
    past = make_session(title_en="Past circle", starts_at=in_days(-2))
    draft = make_session(title_en="Draft circle", status="draft", starts_at=in_days(5))
    cancelled = make_session(title_en="Gone circle", title_fr="Cercle annulé", status="cancelled",
                             starts_at=in_days(6))
    html = client.get("/en/staff/sessions").get_data(as_text=True)
    order = [m for m in re.findall(r'id="session-row-(\d+)"', html)]
    assert order == [str(s.id) for s in (soon, draft, cancelled, later, past)]
    for session, badge in ((draft, "Draft"), (cancelled, "Cancelled"), (past, "Past"), (soon, "Published")):
        row = html.split(f'id="session-row-{session.id}"')[1].split("</tr>")[0]
        assert badge in row, (session.title_en, badge)

    def found(**args) -> list[str]:
        response = client.get("/en/staff/sessions", query_string=args, headers={"HX-Request": "true"})
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert "<html" not in body and body.lstrip().startswith('<section id="results"')
        return re.findall(r'id="session-row-(\d+)"', body)

    assert found(status="draft") == [str(draft.id)]
    assert found(status="cancelled") == [str(cancelled.id)]
    assert found(status="past") == [str(past.id)]
    assert found(status="published") == [str(soon.id), str(later.id)]
    assert found(q="lavoie") == [str(soon.id)]  # the moderator, any case
    assert found(q="annulé") == [str(cancelled.id)]  # the French title
    assert found(q="circle soon") == [str(soon.id)]  # every word must match
    assert found(q="100%_") == []  # LIKE's wildcards are plain characters here
    bad = client.get("/fr/staff/sessions?status=everything&page=zero")
    assert bad.status_code == 200
    text = bad.get_data(as_text=True)
    assert "Cet état n'existe pas; il n'a pas été pris en compte." in text.replace("&#39;", "'")
    assert len(re.findall(r'id="session-row-', text)) == 5


def test_the_list_pages_and_runs_the_same_queries_at_any_length(client, staff, db, make_session, query_counter):
    def measure() -> int:
        query_counter.clear()
        assert client.get("/en/staff/sessions").status_code == 200
        return _selects(query_counter)

    for n in range(3):
        make_session(starts_at=in_days(1 + n), commit=False)
    db.commit()
    few = measure()
    for n in range(120):
        make_session(starts_at=in_days(1 + n / 10), status=("draft", "scheduled", "cancelled")[n % 3], commit=False)
    db.commit()
    many = measure()
    assert many == few
    page = client.get("/en/staff/sessions?page=2").get_data(as_text=True)
    assert len(re.findall(r'id="session-row-', page)) == 25 and "Page 2 of 5" in page
    last = client.get("/en/staff/sessions?page=99").get_data(as_text=True)
    assert "Page 5 of 5" in last and "the last page is shown" in last

    query_counter.clear()
    assert client.get("/en/staff").status_code == 200
    overview = _selects(query_counter)
    for n in range(40):
        make_session(starts_at=in_days(2 + n / 10), commit=False)
    db.commit()
    query_counter.clear()
    client.get("/en/staff")
    assert _selects(query_counter) == overview


def test_the_record_lists_actions_newest_first_a_page_at_a_time_and_survives_the_actor(client, staff, db,
                                                                                    make_session, make_user):
    session = make_session(title_en="Recorded <b>circle</b>")
    base = in_days(-1)
    for n in range(53):
        db.add(StaffAction(actor_id=staff.id, action="changed", session_id=session.id,
                           summary=f"capacity: {n} → {n + 1}", created_at=base + timedelta(minutes=n)))
    db.commit()
    first = client.get("/en/staff/log").get_data(as_text=True)
    assert first.index("capacity: 52 → 53") < first.index("capacity: 51 → 52")
    assert "capacity: 2 → 3" not in first and "Sam Staff" in first
    assert "Recorded &lt;b&gt;circle&lt;/b&gt;" in first and "<b>circle</b>" not in first
    second = client.get("/en/staff/log?page=2").get_data(as_text=True)
    assert "capacity: 2 → 3" in second and "capacity: 52 → 53" not in second
    assert client.get("/en/staff/log?page=abc").status_code == 200
    french = client.get("/fr/staff/log").get_data(as_text=True)
    assert "Registre des actions du personnel" in french and "A modifié une séance" in french


def test_a_change_and_its_record_are_one_transaction(client, post, staff, db, make_session, monkeypatch):
    """If the change cannot be recorded, it is not made either."""
    import portal.staff.services as services
    from tests.staff.conftest import session_fields, wall

    session = make_session(zoom_url="https://zoom.us/j/1")

    def broken(*_args, **_kwargs):
        raise RuntimeError("the record is unavailable")

    monkeypatch.setattr(services, "record", broken)
    client.application.config["PROPAGATE_EXCEPTIONS"] = False
    response = post(f"/en/staff/sessions/{session.id}/edit",
                    session_fields(wall(session.starts_at), zoom_url="https://zoom.us/j/1", capacity="7"))
    assert response.status_code == 500
    fresh(db)
    from portal.sessions.models import SupportSession

    assert db.get(SupportSession, session.id).capacity == 30


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_console_page_is_in_the_staff_language(client, staff, make_session, lang):
    session = make_session()
    for path in ("", "/sessions", "/sessions/new", f"/sessions/{session.id}/edit", "/log"):
        html = client.get(f"/{lang}/staff{path}").get_data(as_text=True)
        assert f'<html lang="{lang}-CA">' in html
        assert ("Vue d'ensemble" in html.replace("&#39;", "'")) == (lang == "fr")
