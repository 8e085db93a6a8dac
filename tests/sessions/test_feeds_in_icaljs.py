"""The public calendar feeds read by ical.js (Mozilla's parser): every published session, at its instant, and no
draft."""
from __future__ import annotations

from datetime import timezone

from tests.staff.conftest import icaljs  # noqa: F401  (the fixture)
from tests.when import eastern_day


def test_the_public_feed_reads_the_same_in_a_real_calendar_parser(client, make_session, icaljs):  # noqa: F811
    winter = make_session(starts_at=eastern_day(5, "19:00"), title_en="Winter circle")
    make_session(starts_at=eastern_day(6, "12:00"), title_en="Hidden draft", status="draft")
    make_session(starts_at=eastern_day(7, "12:00"), title_en="Called off", status="cancelled")
    feed, single = icaljs([client.get("/en/sessions.ics").get_data(), client.get(f"/fr/sessions/{winter.id}.ics").get_data()])
    titles = {e["summary"] for e in feed["events"]}
    assert "Winter circle" in titles and "Hidden draft" not in titles
    starts = {e["summary"]: e["start"] for e in feed["events"]}
    assert starts["Winter circle"] == winter.starts_at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    for event in feed["events"]:
        assert "zoom" not in (event["description"] or "").lower()
    # A cancelled session stays in the feed, marked so, so subscribed calendars drop it.
    assert next(e for e in feed["events"] if e["summary"] == "Called off")["status"] == "CANCELLED"
    assert single["events"][0]["start"] == starts["Winter circle"]
    assert single["events"][0]["summary"] == f"Séance {winter.title_fr.split()[-1]}"
