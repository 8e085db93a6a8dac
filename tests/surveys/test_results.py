"""Results for staff: aggregates per session, format or topic; under 5 responses nothing but that fact, on the
page and in the CSV; comments only from 5 on; staff only."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from portal.extensions import utcnow
from portal.surveys.invitations import eastern_day
from portal.surveys.models import SurveyResponse
from tests.when import in_days

HIDDEN = "fewer than 5 responses: hidden to protect anonymity"


@pytest.fixture
def staff(make_user, login):
    """A signed-in staff member."""
    return login(make_user(is_staff=True))


def responses(db, session, count: int, *, comment: str = "Comment", supported: int = 4):
    """`count` answers to a session (as the survey page writes them)."""
    for n in range(count):
        db.add(SurveyResponse(session_id=session.id, supported=supported, facilitation=(n % 5) + 1,
                              come_again=None, recommend=5, comment=f"{comment} {n}",
                              submitted_on=eastern_day(utcnow())))
    db.commit()


def past_session(make_session, **fields):
    """A session held three days ago."""
    return make_session(starts_at=in_days(-3), **fields)


def _csv_rows(client, query: str = "") -> list[list[str]]:
    response = client.get(f"/en/staff/surveys.csv{query}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_four_responses_show_nothing_but_that_fact(client, db, make_session, staff):
    session = past_session(make_session, title_en="Small group")
    responses(db, session, 4, comment="Secret words")
    html = client.get("/en/staff/surveys").get_data(as_text=True)
    assert "Small group" in html and HIDDEN in html
    assert "Secret words" not in html and "4 responses" not in html and "survey-figures" not in html
    header, row = _csv_rows(client)
    assert row == [row[0], HIDDEN] and "Small group" in row[0]


def test_five_responses_show_counts_distribution_means_and_comments(client, db, make_session, staff):
    session = past_session(make_session, title_en="Big enough")
    responses(db, session, 5, comment="Shared words")
    html = client.get("/en/staff/surveys").get_data(as_text=True)
    assert HIDDEN not in html and "5 responses" in html
    assert all(f"Shared words {n}" in html for n in range(5))
    assert "4.0" in html and "5.0" in html and "3.0" in html  # means: supported, recommend, facilitation
    header, row = _csv_rows(client)
    values = dict(zip(header, row))
    assert values["Responses"] == "5"
    assert values["supported 4"] == "5" and values["supported mean"] == "4.00"
    assert [values[f"facilitation {n}"] for n in range(1, 6)] == ["1"] * 5
    assert values["come_again answered"] == "0" and values["come_again mean"] == ""
    assert not any("Shared words" in cell for cell in row)  # the CSV holds aggregates only


def test_groups_per_format_and_topic_add_up_sessions(client, db, make_session, staff):
    one = past_session(make_session, format="drop_in", topics=["grief"])
    two = past_session(make_session, format="drop_in", topics=["grief", "stress"])
    responses(db, one, 3)
    responses(db, two, 2)
    per_session = client.get("/en/staff/surveys").get_data(as_text=True)
    assert per_session.count(HIDDEN) == 2
    per_format = client.get("/en/staff/surveys?group=format").get_data(as_text=True)
    assert "Drop-in" in per_format and "5 responses" in per_format and HIDDEN not in per_format
    rows = _csv_rows(client, "?group=topic")[1:]
    by_label = {row[0]: row[1] for row in rows}
    assert by_label == {"Grief and loss": "5", "Stress": HIDDEN}


def test_the_date_range_chooses_sessions(client, db, make_session, staff):
    old = make_session(starts_at=in_days(-200))
    responses(db, old, 5, comment="Long ago")
    assert "Long ago" not in client.get("/en/staff/surveys").get_data(as_text=True)
    start = (eastern_day(old.starts_at) - timedelta(days=1)).isoformat()
    assert "Long ago 0" in client.get(f"/en/staff/surveys?from={start}").get_data(as_text=True)


@pytest.mark.parametrize("query, message", [
    ("?group=colour", "per session"), ("?from=31-12-2026", "is not a date"), ("?from=2026-02-01&to=2026-01-01",
                                                                              "swapped"),
])
def test_bad_choices_are_explained_never_a_500(client, staff, query, message):
    response = client.get(f"/en/staff/surveys{query}")
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert client.get(f"/fr/staff/surveys.csv{query}").status_code == 200


def test_the_page_is_in_french_too(client, db, make_session, staff):
    responses(db, past_session(make_session), 5)
    html = client.get("/fr/staff/surveys").get_data(as_text=True)
    assert '<html lang="fr-CA">' in html and "Résultats des sondages" in html and "4,0" in html


@pytest.mark.parametrize("path", ["/en/staff/surveys", "/en/staff/surveys.csv"])
def test_staff_only(client, make_user, login, path):
    anonymous = client.get(path)
    assert anonymous.status_code == 302 and "/en/account/login?next=" in anonymous.headers["Location"]
    login(make_user())
    assert client.get(path).status_code == 403


def test_the_results_page_reads_a_constant_number_of_queries(client, db, make_session, staff, query_counter):
    responses(db, past_session(make_session), 5)
    client.get("/en/staff/surveys")
    query_counter.clear()
    client.get("/en/staff/surveys")
    few = len(query_counter)
    for _ in range(3):
        responses(db, past_session(make_session), 6)
    query_counter.clear()
    client.get("/en/staff/surveys")
    assert len(query_counter) == few


def test_the_page_is_in_the_staff_navigation_and_overview(client, db, staff):
    html = client.get("/en/staff").get_data(as_text=True)
    assert 'href="/en/staff/surveys"' in html and "Survey responses: fewer than 5" in html


def test_the_overview_counts_responses_only_from_five(client, db, make_session, staff):
    responses(db, past_session(make_session), 5)
    html = client.get("/en/staff").get_data(as_text=True)
    assert "<strong>5</strong> survey responses in the last 90 days" in html
