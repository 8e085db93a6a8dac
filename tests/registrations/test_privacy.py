"""The Zoom link stays out of every public response, even for sessions people have registered for."""
from __future__ import annotations

import pytest

from tests.registrations.registration_helpers import register

ZOOM = "https://zoom.example.invalid/j/secret-123"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_public_pages_and_calendars_never_show_the_zoom_link(client, make_session, make_user, lang):
    session = make_session(zoom_url=ZOOM, capacity=1)
    register(session_id=session.id, user=make_user())
    register(session_id=session.id, user=make_user())
    paths = ["/", "/sessions", f"/sessions/{session.id}", "/sessions.ics", f"/sessions/{session.id}.ics",
             f"/sessions?q={session.title_en}"]
    for path in paths:
        response = client.get(f"/{lang}{path}")
        assert response.status_code == 200, path
        assert b"secret-123" not in response.data, path
