"""The feed's story cards, rendered once and shared between the members who see them the same way.

A card is the same HTML for every member who sees the same story in the same state: its text, status, signature and
number of appreciations; whether this member appreciated it, reported it or wrote it; the page's language and the
path the card's forms come back to. All of that, and nothing else, makes its key (a digest), so a change to any of
it is a different card, and no two members who see a story differently ever share one. The one thing in a card that
belongs to a browser, the CSRF token its forms carry, is kept as a placeholder and put back for each request.
Kept with Flask-Caching (Redis when configured), PAGE_TTL seconds at most, so a new translation shows within that.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from flask import request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from portal.caching import PAGE_TTL, cache
from portal.gratitude.queries import Story
from portal.i18n import current_lang

TOKEN = "\x00csrf-token\x00"  # never in a rendered page: escaping would turn \x00 into a visible character


def card_key(story: Story) -> str:
    """Everything the card's HTML depends on, besides the CSRF token."""
    post = story.post
    parts = (post.id, post.status, post.body, post.lang, post.created_at.isoformat(), post.appreciation_count,
             story.signature, story.appreciated, story.reported, story.own, current_lang(), request.method,
             request.full_path)
    return "card:" + hashlib.blake2b(repr(parts).encode(), digest_size=20).hexdigest()


def story_cards(stories: Sequence[Story], render: Callable[[Story], str]) -> Markup:
    """The cards of `stories`, in order: kept ones from the cache (one read), the others rendered with `render`
    (the story_card macro) and kept."""
    if not stories:
        return Markup("")
    token = generate_csrf()
    keys = [card_key(story) for story in stories]
    try:
        kept = cache.get_many(*keys)
    except Exception:  # noqa: BLE001 - no cache: render them all
        kept = [None] * len(keys)
    cards, fresh = [], {}
    for story, key, html in zip(stories, keys, kept):
        if html is None:
            html = str(render(story)).replace(token, TOKEN)
            fresh[key] = html
        cards.append(html)
    if fresh:
        try:
            cache.set_many(fresh, timeout=PAGE_TTL)
        except Exception:  # noqa: BLE001
            pass
    return Markup("\n".join(cards).replace(TOKEN, token))
