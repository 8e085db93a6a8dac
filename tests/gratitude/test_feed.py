"""The feed: approved stories newest first, 20 a page, "Show more", appreciate and report in place, and the same
number of queries however many stories there are."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from portal.gratitude.models import Flag, ModerationAction
from tests.gratitude.conftest import HTMX


@pytest.fixture
def member(make_user, login):
    return login(make_user(first_name="Mia"))


def ids_in(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<article[^>]*\bid="post-(\d+)"', html)]


def test_only_approved_stories_newest_first_twenty_a_page(client, member, make_post, make_user):
    author = make_user()
    approved = [make_post(author=author, age=timedelta(minutes=m)).id for m in range(1, 26)]
    for status in ("pending", "rejected", "hidden"):
        make_post(author=author, status=status, age=timedelta(seconds=1))
    page = client.get("/en/gratitude").get_data(as_text=True)
    assert ids_in(page) == approved[:20]
    assert 'href="/en/gratitude?page=2"' in page and 'hx-get="/en/gratitude?page=2"' in page
    second = client.get("/en/gratitude?page=2").get_data(as_text=True)
    assert ids_in(second) == approved[20:] and "Show more" not in second and "<html" in second


def test_show_more_answers_htmx_with_the_next_stories_only(client, member, make_post):
    ids = [make_post(age=timedelta(minutes=m)).id for m in range(1, 42)]
    fragment = client.get("/en/gratitude?page=2", headers=HTMX)
    html = fragment.get_data(as_text=True)
    assert fragment.headers["Vary"] == "HX-Request" or "HX-Request" in fragment.headers["Vary"]
    assert "<html" not in html and "<h1" not in html and ids_in(html) == ids[20:40]
    assert 'hx-get="/en/gratitude?page=3"' in html and 'hx-target="#show-more-2"' in html


@pytest.mark.parametrize("page", ["0", "-1", "abc", "999999999999"])
def test_odd_page_numbers_fall_back_to_the_first(client, member, make_post, page):
    story = make_post()
    response = client.get(f"/en/gratitude?page={page}")
    assert response.status_code == 200 and ids_in(response.get_data(as_text=True)) == [story.id]


def test_each_story_shows_signature_date_and_count(client, member, make_post, make_user):
    story = make_post(author=make_user(first_name="Zoé", last_name="Hidden"), appreciation_count=3)
    anonymous = make_post(author=make_user(first_name="Secret", last_name="Person"), display="anonymous")
    html = client.get("/en/gratitude").get_data(as_text=True)
    first = re.search(rf'id="post-{story.id}".*?</article>', html, re.S).group(0)
    assert "Shared by Zoé" in first and "<time datetime=" in first and "3 appreciations" in first
    second = re.search(rf'id="post-{anonymous.id}".*?</article>', html, re.S).group(0)
    assert "Shared anonymously" in second and "Secret" not in html and "Hidden" not in html


def test_appreciate_toggles_in_place(client, post, member, make_post, db):
    story = make_post()
    first = post(f"/en/gratitude/{story.id}/appreciate", {}, headers=HTMX)
    html = first.get_data(as_text=True)
    assert first.status_code == 200 and html.lstrip().startswith(f'<form class="appreciate form--inline" id="appreciate-{story.id}"')
    assert 'aria-pressed="true"' in html and "1 appreciation<" in html
    second = post(f"/en/gratitude/{story.id}/appreciate", {}, headers=HTMX).get_data(as_text=True)
    assert 'aria-pressed="false"' in second and "0 appreciations" in second
    without_js = post(f"/en/gratitude/{story.id}/appreciate", {"back": "/en/gratitude?page=1"})
    assert without_js.status_code == 302 and without_js.headers["Location"] == f"/en/gratitude?page=1#post-{story.id}"
    db.refresh(story)
    assert story.appreciation_count == 1


def test_appreciate_never_redirects_elsewhere(post, member, make_post):
    story = make_post()
    response = post(f"/en/gratitude/{story.id}/appreciate", {"back": "https://evil.example/en/gratitude"})
    assert response.headers["Location"] == f"/en/gratitude#post-{story.id}"


def test_stories_not_approved_cannot_be_appreciated_or_reported(post, member, make_post):
    for status in ("pending", "rejected", "hidden"):
        story = make_post(status=status)
        assert post(f"/en/gratitude/{story.id}/appreciate", {}).status_code == 404
        assert post(f"/en/gratitude/{story.id}/report", {"reason": "spam"}).status_code == 404
    assert post("/en/gratitude/99999/appreciate", {}).status_code == 404


def test_report_offers_a_short_list_of_reasons_and_thanks_in_place(client, post, member, make_post, db):
    story = make_post()
    html = client.get("/en/gratitude").get_data(as_text=True)
    options = re.findall(rf'<select id="reason-{story.id}" name="reason">(.*?)</select>', html, re.S)[0]
    assert 3 <= options.count("<option") <= 6
    bad = post(f"/en/gratitude/{story.id}/report", {"reason": "because"}, headers=HTMX)
    assert bad.status_code == 422 and "Choose why" in bad.get_data(as_text=True)
    response = post(f"/en/gratitude/{story.id}/report", {"reason": "unkind"}, headers=HTMX)
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and f'<article class="story" id="post-{story.id}"' in fragment
    assert "You reported this story" in fragment and "<select" not in fragment
    again = post(f"/en/gratitude/{story.id}/report", {"reason": "spam"})
    assert again.status_code == 302
    assert len(db.exec(select(Flag)).all()) == 1


def test_three_different_members_hide_a_story_and_send_it_back_to_the_queue(
        app, client, post, login, make_user, make_post, db):
    story = make_post()
    for n in range(3):
        login(make_user())
        post(f"/en/gratitude/{story.id}/report", {"reason": "unkind"})
        db.refresh(story)
        assert story.status == ("hidden" if n == 2 else "approved")
    (action,) = db.exec(select(ModerationAction)).all()
    assert action.action == "hidden_by_reports" and action.actor_id is None
    assert story.id not in ids_in(client.get("/en/gratitude").get_data(as_text=True))
    login(make_user(is_staff=True))
    queue = client.get("/en/staff/gratitude").get_data(as_text=True)
    assert f'id="post-{story.id}"' in queue and "Unkind or hurtful: 3" in queue


def test_an_author_cannot_report_their_own_story(post, member, make_post):
    story = make_post(author=member)
    assert post(f"/en/gratitude/{story.id}/report", {"reason": "spam"}).status_code == 404


@pytest.mark.parametrize("approved", [20, 500])
def test_the_feed_costs_the_same_queries_at_20_and_500_stories(
        client, member, make_user, make_post, db, query_counter, approved):
    authors = [make_user() for _ in range(5)]
    for n in range(approved):
        make_post(author=authors[n % 5], display="anonymous" if n % 3 else "first_name",
                  age=timedelta(minutes=n + 1), commit=False)
    make_post(author=member, status="pending")
    db.commit()
    query_counter.clear()
    response = client.get("/en/gratitude")
    assert response.status_code == 200 and len(ids_in(response.get_data(as_text=True))) == 21
    # user loader, the page of stories, the member's appreciations and reports on it, their waiting stories
    assert len(selects(query_counter)) == 5, query_counter
    if approved > 40:  # a full later page: no waiting stories, the rest the same
        query_counter.clear()
        client.get("/en/gratitude?page=2", headers=HTMX)
        assert len(selects(query_counter)) == 4, query_counter


def selects(statements: list[str]) -> list[str]:
    """The queries themselves, without the transaction's BEGIN."""
    return [statement for statement in statements if statement.strip().upper() != "BEGIN"]


def test_cards_kept_for_the_feed_never_mix_members_state_or_tokens(app, make_user, make_post):
    """Story cards are kept and shared (portal.gratitude.cards), but only between members who see a story the same
    way: each member sees their own appreciations, reports and stories, and every form on their page carries their
    own browser's CSRF token, which works; the other member's never appears."""
    from tests.signin import sign_in_client

    mia, noah = make_user(first_name="Mia"), make_user(first_name="Noah")
    loved, reported, by_noah = make_post(), make_post(), make_post(author=noah)
    browsers = {}
    for user in (mia, noah):
        browsers[user.first_name] = app.test_client()
        sign_in_client(app, browsers[user.first_name], user.id)

    def feed(name: str) -> tuple[str, set[str]]:
        html = browsers[name].get("/en/gratitude").get_data(as_text=True)
        return html, set(re.findall(r'name="csrf_token" value="([^"]+)"', html))

    feed("Mia"), feed("Noah")  # both pages rendered once: every card is kept now
    mia_page, _tokens = feed("Mia")
    token = re.search(r'name="csrf-token" content="([^"]+)"', mia_page).group(1)
    assert browsers["Mia"].post(f"/en/gratitude/{loved.id}/appreciate", data={"csrf_token": token},
                                headers=HTMX).status_code == 200
    assert browsers["Mia"].post(f"/en/gratitude/{reported.id}/report", data={"csrf_token": token, "reason": "spam"},
                                headers=HTMX).status_code == 200
    for _ in range(2):  # the second time, every card comes from the cache
        mia_page, mia_tokens = feed("Mia")
        noah_page, noah_tokens = feed("Noah")
        mia_card = re.search(rf'<form class="appreciate[^>]*id="appreciate-{loved.id}".*?</form>', mia_page, re.S)
        noah_card = re.search(rf'<form class="appreciate[^>]*id="appreciate-{loved.id}".*?</form>', noah_page, re.S)
        assert 'aria-pressed="true"' in mia_card.group(0) and "1 appreciation<" in mia_card.group(0)
        assert 'aria-pressed="false"' in noah_card.group(0) and "1 appreciation<" in noah_card.group(0)
        assert "You reported this story" in mia_page and "You reported this story" not in noah_page
        assert noah_page.count("Withdraw my story") == 1 and "Withdraw my story" not in mia_page
        assert len(mia_tokens) == 1 and len(noah_tokens) == 1 and mia_tokens != noah_tokens
        assert "\x00" not in mia_page + noah_page
    # Noah's page's token (taken from a kept card) works for Noah's browser.
    noah_token = noah_tokens.pop()
    assert browsers["Noah"].post(f"/en/gratitude/{loved.id}/appreciate", data={"csrf_token": noah_token},
                                 headers=HTMX).status_code == 200
    assert ids_in(noah_page)[:1] == [by_noah.id]
