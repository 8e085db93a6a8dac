"""Two moderators acting on one story at the same moment, through the real stack (two browsers' worth of test
clients, one thread each) on SQLite and PostgreSQL: exactly one wins, the other gets 409, one action is recorded."""
from __future__ import annotations

import re
import threading

import pytest
from sqlmodel import select

from portal.accounts.models import User
from portal.extensions import db as portal_db
from portal.extensions import utcnow
from portal.gratitude.models import GratitudePost, ModerationAction
from portal.notifications.models import Notification
from tests.registrations.test_concurrency import backend_app  # noqa: F401 - the fixture, on both databases
from tests.signin import sign_in_client

ROUNDS = 8
PAIRS = [("approve", "reject"), ("approve", "approve"), ("hide", "hide"), ("reject", "reject")]


def _signed_in_client(app, user_id: int):
    client = app.test_client()
    sign_in_client(app, client, user_id)
    page = client.get("/en/staff/gratitude").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    return client, token


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_one_moderator_wins_the_other_gets_409(backend_app, first, second):  # noqa: F811
    app = backend_app
    with app.app_context():
        db = portal_db.session
        moderators = [User(email=f"mod{i}@example.org", password_hash="-", first_name=f"Mod{i}", last_name="Staff",
                           cma_id=str(800000 + i), category="resident", province="ON", is_staff=True,
                           email_verified_at=utcnow()) for i in range(2)]
        author = User(email="author@example.org", password_hash="-", first_name="Author", last_name="Member",
                      cma_id="800010", category="resident", province="ON", email_verified_at=utcnow())
        db.add_all([*moderators, author])
        db.flush()
        status = "approved" if first == "hide" else "pending"
        posts = [GratitudePost(author_id=author.id, body=f"Story {n} of thanks to the ward.", status=status)
                 for n in range(ROUNDS)]
        db.add_all(posts)
        db.commit()
        post_ids = [post.id for post in posts]
        logins = [m.id for m in moderators]
    clients = [_signed_in_client(app, login) for login in logins]
    for post_id in post_ids:
        barrier = threading.Barrier(2)
        statuses: list[int] = [0, 0]

        def act(index: int, action: str) -> None:
            client, token = clients[index]
            barrier.wait()
            response = client.post(f"/en/staff/gratitude/{post_id}/{action}",
                                   data={"csrf_token": token, "version": "1", "reason": "other"},
                                   headers={"HX-Request": "true"})
            statuses[index] = response.status_code

        threads = [threading.Thread(target=act, args=(i, a)) for i, a in enumerate((first, second))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(statuses) == [200, 409], statuses
    with app.app_context():
        db = portal_db.session
        actions = db.exec(select(ModerationAction)).all()
        assert sorted(a.post_id for a in actions) == sorted(post_ids)  # one action per story, never two
        versions = db.exec(select(GratitudePost.version)).all()
        assert versions == [2] * ROUNDS
        emails = db.exec(select(Notification)).all()
        assert len(emails) == sum(1 for a in actions if a.action == "rejected")
