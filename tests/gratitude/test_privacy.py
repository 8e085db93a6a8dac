"""Privacy: the feed never shows an email or a last name; anonymous means no name; deleting an account keeps its
approved stories, anonymous, and deletes the rest."""
from __future__ import annotations

from sqlmodel import select

from portal.accounts.profile import delete_account
from portal.gratitude.models import Appreciation, Flag, GratitudePost, ModerationAction


def test_the_feed_shows_no_email_and_no_last_name(client, make_user, login, make_post):
    author = make_user(first_name="Noor", last_name="Uniquelastname", email="noor.unique@example.org")
    make_post(author=author)
    make_post(author=author, display="anonymous", body="An anonymous thank-you to the porter team.")
    login(make_user())
    for lang in ("en", "fr"):
        html = client.get(f"/{lang}/gratitude").get_data(as_text=True)
        assert "Uniquelastname" not in html and "noor.unique" not in html
        assert html.count("Noor") == 1


def test_deleting_an_account_keeps_approved_stories_anonymous_and_deletes_the_rest(
        app, db, make_user, make_post):
    author = make_user(first_name="Gone")
    other = make_user()
    staff = make_user(is_staff=True)
    approved = make_post(author=author, display="first_name")
    hidden = make_post(author=author, status="hidden")
    pending = make_post(author=author, status="pending")
    rejected = make_post(author=author, status="rejected")
    theirs = make_post(author=other)
    db.add_all([Appreciation(post_id=theirs.id, user_id=author.id), Appreciation(post_id=pending.id, user_id=other.id),
                Flag(post_id=theirs.id, reporter_id=author.id, reason="spam"),
                ModerationAction(actor_id=staff.id, post_id=rejected.id, action="rejected", reason="other")])
    theirs.appreciation_count = 1
    db.commit()
    ids = {name: post.id for name, post in (("approved", approved), ("hidden", hidden), ("pending", pending),
                                            ("rejected", rejected), ("theirs", theirs))}
    with app.test_request_context():
        delete_account(db, author)
        db.commit()
    db.expire_all()
    kept = db.get(GratitudePost, ids["approved"])
    assert kept.author_id is None and kept.display == "anonymous" and kept.is_anonymous
    assert db.get(GratitudePost, ids["hidden"]).author_id is None
    assert db.get(GratitudePost, ids["pending"]) is None and db.get(GratitudePost, ids["rejected"]) is None
    assert db.get(GratitudePost, ids["theirs"]).appreciation_count == 0
    assert db.exec(select(Flag.reporter_id)).all() == [None]
    assert db.exec(select(ModerationAction.post_id)).all() == [None]


def test_a_deleted_authors_story_reads_anonymous_in_the_feed(client, app, db, make_user, login, make_post):
    author = make_user(first_name="Vanishing")
    story = make_post(author=author)
    with app.test_request_context():
        delete_account(db, author)
        db.commit()
    login(make_user())
    html = client.get("/en/gratitude").get_data(as_text=True)
    assert f'id="post-{story.id}"' in html and "Vanishing" not in html and "Shared anonymously" in html
