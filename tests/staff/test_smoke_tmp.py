from tests.staff.conftest import session_fields, wall
from tests.when import in_days


def test_smoke(client, staff, post, db, make_session):
    s = make_session()
    for path in ("/en/staff", "/fr/staff", "/en/staff/sessions", "/en/staff/sessions/new", f"/en/staff/sessions/{s.id}/edit",
                 f"/fr/staff/sessions/{s.id}/preview", "/en/staff/log"):
        r = client.get(path)
        assert r.status_code == 200, (path, r.get_data(as_text=True)[:3000])
    r = post("/en/staff/sessions/new", session_fields(wall(in_days(10))))
    assert r.status_code == 302, r.get_data(as_text=True)
    r = post("/en/staff/sessions/new", session_fields(wall(in_days(10)), capacity="99", title_fr=""))
    assert r.status_code == 422
    print(r.get_data(as_text=True)[:100])
    r = post(f"/en/staff/sessions/{s.id}/cancel", {})
    assert r.status_code == 200, r.get_data(as_text=True)
    r = post(f"/en/staff/sessions/{s.id}/cancel", {}, headers={"HX-Request": "true"})
    assert r.status_code == 200, r.get_data(as_text=True)
    r = post(f"/en/staff/sessions/{s.id}/duplicate", {}, headers={"HX-Request": "true"})
    assert r.status_code == 200, r.get_data(as_text=True)
    r = post(f"/en/staff/sessions/{s.id}/cancel", {"confirm": "yes"}, headers={"HX-Request": "true"})
    assert r.status_code == 200, r.get_data(as_text=True)
    r = client.get("/en/staff/log")
    assert "Cancelled a session" in r.get_data(as_text=True)
