"""The gratitude space, for verified members: /<lang>/gratitude. Thin views: parse, call services, render.
Every interaction is a real form; htmx swaps the region it changes, and without JavaScript the page reloads."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

import portal.gratitude.queries as queries
import portal.gratitude.services as services
from portal.access import is_safe_path, verified_required
from portal.extensions import db, utcnow
from portal.gratitude.forms import StoryForm
from portal.gratitude.models import REPORT_REASONS
from portal.gratitude.support import support_for, template_helpers
from portal.htmx import wants_fragment
from portal.i18n import current_lang
from portal.urls import parse_page

bp = Blueprint("gratitude", __name__, url_prefix="/<lang:lang>/gratitude")
bp.context_processor(template_helpers)


def _page_number() -> int:
    return parse_page(request.args.get("page")) or 1


def _new_form() -> StoryForm:
    """An empty composer: signed with the first name, in the interface's language."""
    return StoryForm(formdata=None, language=current_lang(), display="first_name")


def _answer(page: str, fragment: str, status: int = 200, **context):
    """The page, or the fragment for an htmx swap; personal, so never cached by anyone else."""
    response = make_response(render_template(fragment if wants_fragment() else page, **context), status)
    response.vary.add("HX-Request")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("")
@verified_required
def feed():
    """The feed, newest first, and the composer. An htmx request for a later page gets only its stories."""
    page = queries.feed_page(db.session, viewer=current_user, page=_page_number())
    fragment = "gratitude/_feed_page.html" if "page" in request.args else "gratitude/feed.html"
    return _answer("gratitude/feed.html", fragment, feed=page, form=_new_form())


def _composer(form: StoryForm, status: int, *, written=None, refusal: str | None = None):
    """The composer region (htmx) or the whole page, with what was typed, a message, and help when needed."""
    support = support_for(current_user.province) if written is not None and written.urgent else None
    return _answer("gratitude/feed.html", "gratitude/_composer_swap.html", status, form=form, written=written,
                   refusal=refusal, support=support, feed=queries.feed_page(db.session, viewer=current_user, page=1))


@bp.post("")
@verified_required
def write():
    """Write a story: it waits for moderation. A story that signals distress is accepted like any other, and its
    author sees where to find help at once."""
    form = StoryForm()
    if not form.validate_on_submit():
        return _composer(form, 422)
    now = utcnow()
    if services.stories_in_last_hour(db.session, author_id=current_user.id, now=now) >= services.STORIES_PER_HOUR:
        db.session.rollback()
        return _composer(form, 429, refusal=_(
            "You have shared %(count)d stories in the last hour, the most for now. Your text is kept below: "
            "try again a little later.", count=services.STORIES_PER_HOUR))
    post = services.write_story(db.session, author=current_user, body=form.body.data, display=form.display.data,
                                lang=form.language.data, matcher=current_app.extensions["distress_matcher"],
                                now=now)
    db.session.commit()
    return _composer(_new_form(), 200, written=post)


def _post_or_404(post_id: int):
    post = services.visible_post(db.session, post_id, viewer=current_user)
    if post is None:
        abort(404)
    return post


def _back_to_feed(post_id: int | None = None):
    back = request.form.get("back")
    target = back if is_safe_path(back) and "/gratitude" in (back or "") else url_for("gratitude.feed")
    return redirect(target + (f"#post-{post_id}" if post_id else ""))


@bp.post("/<int:post_id>/appreciate")
@verified_required
def appreciate(post_id: int):
    """Appreciate a story, or take it back; the button changes in place."""
    post = _post_or_404(post_id)
    if post.status != "approved":
        abort(404)
    services.toggle_appreciation(db.session, post=post, user=current_user)
    db.session.commit()
    if wants_fragment():
        return render_template("gratitude/_appreciate_swap.html",
                               story=queries.story_for(db.session, post, current_user))
    return _back_to_feed(post_id)


@bp.post("/<int:post_id>/report")
@verified_required
def report(post_id: int):
    """Report a story to the moderators, with a reason from the list."""
    post = _post_or_404(post_id)
    reason = request.form.get("reason", "")
    if post.status != "approved" or post.author_id == current_user.id:
        abort(404)
    if reason not in REPORT_REASONS:
        story = queries.story_for(db.session, post, current_user)
        message = _("Choose why you are reporting this story.")
        if wants_fragment():
            return render_template("gratitude/_story_swap.html", story=story, report_error=message), 422
        flash(message, "error")
        return _back_to_feed(post_id)
    services.report(db.session, post=post, user=current_user, reason=reason, now=utcnow())
    db.session.commit()
    if wants_fragment():
        return render_template("gratitude/_story_swap.html", story=queries.story_for(db.session, post, current_user),
                               announce=_("Thank you. The moderators will look at this story."))
    flash(_("Thank you. The moderators will look at this story."), "success")
    return _back_to_feed(post_id)


@bp.post("/<int:post_id>/withdraw")
@verified_required
def withdraw(post_id: int):
    """The author takes their story away (waiting or published): it is deleted."""
    post = _post_or_404(post_id)
    if not services.withdraw(db.session, post=post, user=current_user):
        abort(403)
    db.session.commit()
    message = _("Your story is withdrawn. It is no longer shown to anyone.")
    if wants_fragment():
        return render_template("gratitude/_withdrawn.html", post_id=post_id, message=message)
    flash(message, "success")
    return _back_to_feed()
