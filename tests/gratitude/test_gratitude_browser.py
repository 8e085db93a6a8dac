"""The gratitude space in Chromium, on a site of its own (the real app, migrated, demo loaded): the moderation
flow end to end in both languages, with JavaScript and without, by keyboard, axe after each swap; and the XSS
corpus approved and rendered on the feed, the queue and the log without anything running."""
from __future__ import annotations

import re

import pytest
from sqlmodel import select

from portal.accounts.models import User
from portal.extensions import db, utcnow
from portal.gratitude.models import GratitudePost, ModerationAction
from quality.axe import describe, run_axe
from quality.browser import PageWatch
from quality.site import MEMBER_EMAIL, MEMBER_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD, LiveServer, build_app
from quality.signin import sign_in_browser
from tests.gratitude.xss_payloads import PAYLOADS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    app, _sample = build_app(tmp_path_factory.mktemp("gratitude-site"))
    with app.app_context():  # a clean space: the harness's sample stories are not part of this journey
        for model in (ModerationAction, GratitudePost):
            for row in db.session.exec(select(model)).all():
                db.session.delete(row)
        db.session.commit()
    with LiveServer(app) as server:
        yield app, server.url


@pytest.fixture(scope="module")
def states(site, browser):
    _app, url = site
    return {"member": sign_in_browser(browser, url, MEMBER_EMAIL, MEMBER_PASSWORD),
            "staff": sign_in_browser(browser, url, STAFF_EMAIL, STAFF_PASSWORD)}


def clean(page, what: str) -> None:
    violations = run_axe(page)
    assert not violations, f"axe on {what}:\n{describe(violations)}"


def settle(page) -> None:
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    page.wait_for_timeout(150)


STORY = {"en": "Thank you to the respiratory therapist who stayed past her shift.\n\nIt meant the world.",
         "fr": "Merci à l'inhalothérapeute qui est restée après son quart.\n\nCela a tout changé."}
WORDS = {"en": {"sent": "Thank you for sharing", "waiting": "Waiting for moderation", "approve": "Approve",
                "approved": "Approved: the story is in the feed.", "appreciate": "Appreciate",
                "reject": "Reject…", "reject_button": "Reject and tell the author"},
         "fr": {"sent": "Merci de votre partage", "waiting": "En attente de modération", "approve": "Approuver",
                "approved": "le témoignage figure maintenant dans le fil", "appreciate": "Apprécier",
                "reject": "Refuser…", "reject_button": "Refuser et prévenir la personne qui l'a écrit"}}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_moderation_flow_end_to_end(site, states, new_page, lang):
    app, url = site
    words = WORDS[lang]
    member = new_page(storage_state=states["member"])
    watch = PageWatch(member)
    member.goto(f"{url}/{lang}/gratitude")
    clean(member, "the feed")
    member.fill("#body", STORY[lang])
    member.locator("#composer button[type=submit]").click()
    member.get_by_text(words["sent"]).wait_for()
    settle(member)
    assert member.evaluate("() => performance.getEntriesByType('navigation').length") == 1  # swapped, not reloaded
    waiting = member.locator("#waiting article").first
    assert words["waiting"] in waiting.inner_text() and waiting.get_attribute("lang") == lang
    assert member.locator("#body").input_value() == ""
    clean(member, "the composer after sending")
    post_id = int(waiting.get_attribute("id").removeprefix("post-"))

    staff = new_page(storage_state=states["staff"])
    staff.goto(f"{url}/{lang}/staff/gratitude")
    clean(staff, "the queue")
    row = staff.locator(f"#post-{post_id}")
    row.get_by_role("button", name=words["approve"], exact=True).click()
    # The row's own notice: the live region (#announcer) repeats the words 100 ms later, and would match too.
    row.get_by_text(words["approved"]).wait_for()
    settle(staff)
    assert staff.evaluate("() => performance.getEntriesByType('navigation').length") == 1
    clean(staff, "the queue after approving")

    member.goto(f"{url}/{lang}/gratitude")
    story = member.locator(f"#post-{post_id}")
    assert "waiting" not in story.inner_text().lower() and "attente" not in story.inner_text()
    button = story.get_by_role("button", name=words["appreciate"])
    assert button.get_attribute("aria-pressed") == "false"
    button.focus()
    member.keyboard.press("Enter")  # by keyboard
    member.wait_for_selector(f"#appreciate-{post_id} button[aria-pressed=true]")
    settle(member)
    assert member.evaluate("() => document.activeElement.id") == f"appreciate-button-{post_id}"  # focus kept
    clean(member, "the feed after appreciating")
    assert not watch.third_party_requests()

    staff.goto(f"{url}/{lang}/staff/moderation-log")
    assert staff.locator(f"#post-{post_id}").count() == 1
    clean(staff, "the log")
    with app.app_context():
        actions = db.session.exec(select(ModerationAction).where(ModerationAction.post_id == post_id)).all()
        assert [a.action for a in actions] == ["approved"]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_without_javascript_write_report_and_reject(site, states, new_page, lang):
    app, url = site
    words = WORDS[lang]
    member = new_page(storage_state=states["member"], java_script_enabled=False)
    member.goto(f"{url}/{lang}/gratitude")
    member.fill("#body", "court")
    member.locator("#composer button[type=submit]").click()
    assert member.locator("#body").input_value() == "court" and member.locator(".error-summary").count() == 1
    member.fill("#body", STORY[lang] + " (no JS)")
    member.locator("#composer button[type=submit]").click()
    assert words["sent"] in member.locator("#composer").inner_text()
    post_id = int(member.locator("#waiting article").first.get_attribute("id").removeprefix("post-"))

    staff = new_page(storage_state=states["staff"], java_script_enabled=False)
    staff.goto(f"{url}/{lang}/staff/gratitude")
    row = staff.locator(f"#post-{post_id}")
    row.get_by_text(words["reject"]).click()
    row.locator("select[name=reason]").select_option("not_gratitude")
    row.locator("textarea[name=note]").fill("Merci / thanks <b>anyway</b>")
    row.get_by_role("button", name=words["reject_button"]).click()
    assert staff.url.endswith(f"/{lang}/staff/gratitude#post-{post_id}")
    with app.app_context():
        assert db.session.get(GratitudePost, post_id).status == "rejected"
    assert staff.evaluate("() => typeof window.htmx") == "undefined"


def test_the_support_section_is_announced_and_accessible(site, states, new_page):
    _app, url = site
    member = new_page(storage_state=states["member"])
    member.goto(f"{url}/fr/gratitude")
    member.fill("#body", "Merci à mon équipe. Certains soirs, je veux mourir, mais vous êtes là.")
    member.locator("#composer button[type=submit]").click()
    member.wait_for_selector("#support-now")
    settle(member)
    section = member.locator("#support-now")
    assert section.locator('a[href="tel:988"]').count() == 1 and section.locator('a[href="sms:988"]').count() == 1
    assert section.locator('a[href="tel:911"]').count() == 1
    assert member.locator("#announcer").inner_text() != ""
    clean(member, "the answer to a story signalling distress")


def test_xss_corpus_rendered_on_feed_queue_and_log_runs_nothing(site, states, new_page, browser):
    app, url = site
    with app.app_context():
        session = db.session
        authors = []
        for n, payload in enumerate(PAYLOADS):
            authors.append(User(email=f"xss{n}@example.org", password_hash="-", first_name=payload[:100],
                                last_name=payload[:100], cma_id=str(990100 + n), category="resident",
                                province="ON", email_verified_at=utcnow()))
        session.add_all(authors)
        session.flush()
        posts = [GratitudePost(author_id=author.id, body=f"{payload} — thank you", status="pending",
                               lang="en", urgent=n % 10 == 0, display="first_name")
                 for n, (author, payload) in enumerate(zip(authors, PAYLOADS))]
        session.add_all(posts)
        session.commit()
        ids = [post.id for post in posts]

    staff = new_page(storage_state=states["staff"])
    dialogs = []
    staff.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    staff.goto(f"{url}/en/staff/gratitude")
    assert_inert(staff, ids, "the queue")
    token = staff.locator('meta[name="csrf-token"]').get_attribute("content")
    for post_id in ids:  # approved through the real route, with the note a payload too
        response = staff.request.post(f"{url}/en/staff/gratitude/{post_id}/approve",
                                      form={"csrf_token": token, "version": "1"}, max_redirects=0)
        assert response.status == 302
    staff.request.post(f"{url}/en/staff/gratitude/{ids[-1]}/hide", form={"csrf_token": token}, max_redirects=0)
    staff.goto(f"{url}/en/staff/moderation-log")
    assert_inert(staff, ids[-50:], "the log", texts=False)
    staff.goto(f"{url}/en/staff/gratitude")

    member = new_page(storage_state=states["member"])
    member.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    member.goto(f"{url}/en/gratitude")
    for _ in range(3):  # every page of stories, through "Show more"
        more = member.locator(".show-more a")
        if not more.count():
            break
        more.click()
        settle(member)
    shown = [int(i) for i in re.findall(r'id="post-(\d+)"', member.content())]
    assert set(ids[:-1]) <= set(shown)
    assert_inert(member, ids[:-1], "the feed")
    for lang in ("fr",):
        member.goto(f"{url}/{lang}/gratitude?page=2")
        assert_inert(member, [], "the feed in French")
    assert dialogs == []


def assert_inert(page, ids, where: str, texts: bool = True) -> None:
    """Nothing ran, and nothing that could run made it into the page: no handler attributes, no script but the
    site's own two, no javascript: URLs, no frames; and each payload reads as the text it was."""
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__pwned") is None, f"a payload ran on {where}"
    report = page.evaluate("""() => {
        const main = document.querySelector('main');
        const bad = [];
        for (const el of main.querySelectorAll('*')) {
            for (const attr of el.attributes) {
                if (attr.name.startsWith('on') || /^\\s*javascript:/i.test(attr.value) && attr.name !== 'value'
                    || attr.name.startsWith('hx-on') || attr.name === 'srcdoc') { bad.push(el.tagName + ' ' + attr.name); }
            }
            if (['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'IMG', 'SVG', 'STYLE', 'BASE', 'META', 'LINK', 'VIDEO',
                 'AUDIO', 'MATH', 'TEMPLATE', 'XMP', 'MARQUEE'].includes(el.tagName.toUpperCase())) {
                bad.push(el.tagName);
            }
        }
        return {bad, scripts: document.scripts.length};
    }""")
    assert report["bad"] == [], f"markup from a payload on {where}: {report['bad'][:10]}"
    assert report["scripts"] == 2
    if texts:
        text = page.locator("main").inner_text()
        for payload in PAYLOADS[:5]:
            assert payload.replace("\u202e", "") in text.replace("\u202e", "") or not ids


def _add_stories(app, count: int, status: str = "approved") -> list[int]:
    with app.app_context():
        author = db.session.exec(select(User).where(User.email == STAFF_EMAIL)).one()
        posts = [GratitudePost(author_id=author.id, body=f"Keyboard story {n}: thank you, night team.",
                               status=status, lang="en") for n in range(count)]
        db.session.add_all(posts)
        db.session.commit()
        return [post.id for post in posts]


def test_the_feed_and_the_queue_by_keyboard_only(site, states, new_page):
    from quality.keyboard import ANNOUNCED, FOCUSED, press, tab_to

    app, url = site
    _add_stories(app, 3)
    member = new_page(storage_state=states["member"])
    member.goto(f"{url}/en/gratitude")
    stops = []
    while not stops or stops[-1]["landmark"] != "footer":
        stops.append(press(member, "Tab"))
        assert len(stops) < 400, "Tab never reached the footer"
    assert "Gratitude" in [stop["text"] for stop in stops if stop["landmark"] == "header"]
    assert [stop["order"] for stop in stops] == sorted(stop["order"] for stop in stops), "focus follows the page"
    hidden = [stop for stop in stops if not stop["outline"]]
    assert not hidden, f"focus not visible on {hidden}"
    assert [stop["id"] for stop in stops if stop["landmark"] == "main"][0] == "body", "the composer comes first"

    member.goto(f"{url}/en/gratitude")
    tab_to(member, lambda focused: focused["text"] == "Report this story")
    press(member, "Enter")  # opens the <details>
    assert press(member, "Tab")["id"].startswith("reason-")
    press(member, "ArrowDown")  # a reason chosen with the keyboard
    press(member, "Tab")
    press(member, "Enter")
    member.wait_for_function("() => document.getElementById('announcer').textContent.length > 0")
    assert "moderators" in member.evaluate(ANNOUNCED)
    clean(member, "the feed after reporting by keyboard")

    waiting = _add_stories(app, 1, status="pending")[0]
    staff = new_page(storage_state=states["staff"])
    staff.goto(f"{url}/en/staff/gratitude")
    tab_to(staff, lambda focused: focused["text"] == "Approve" and
           staff.evaluate("() => document.activeElement.closest('article').id") == f"post-{waiting}", limit=200)
    press(staff, "Enter")
    staff.wait_for_function("() => document.getElementById('announcer').textContent.includes('Approved')")
    assert "queue-item--done" in staff.locator(f"#post-{waiting}").get_attribute("class")
    assert staff.evaluate(FOCUSED)["id"] == f"post-{waiting}-heading"  # focus moves to the updated row


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_moderator_who_comes_second_sees_the_409_message_swapped_in(site, states, new_page, lang):
    app, url = site
    post_id = _add_stories(app, 1, status="pending")[0]
    late = new_page(storage_state=states["staff"])
    late.goto(f"{url}/{lang}/staff/gratitude")
    first = new_page(storage_state=states["staff"])  # another moderator, a moment earlier
    first.goto(f"{url}/{lang}/staff/gratitude")
    first.locator(f"#post-{post_id}").get_by_role("button", name=WORDS[lang]["approve"], exact=True).click()
    # The row's own notice: the live region (#announcer) repeats the words 100 ms later, and would match too.
    first.locator(f"#post-{post_id}").get_by_text(WORDS[lang]["approved"]).wait_for()
    with late.expect_response(lambda response: response.status == 409):
        late.locator(f"#post-{post_id}").get_by_role("button", name=WORDS[lang]["approve"], exact=True).click()
    message = {"en": "Another moderator acted on this story first", "fr": "Une autre personne de l'équipe de modération"}[lang]
    late.locator(f"#post-{post_id} [role=alert]").get_by_text(message).wait_for()
    settle(late)
    assert late.evaluate("() => performance.getEntriesByType('navigation').length") == 1
    assert message in late.evaluate("() => document.getElementById('announcer').textContent")
    clean(late, "the row after a 409")
    with app.app_context():
        assert len(db.session.exec(select(ModerationAction).where(ModerationAction.post_id == post_id)).all()) == 1
