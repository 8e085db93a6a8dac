"""What anonymous visitors see, rendered once and shared; and the Cache-Control every page answer carries.

Rendered pages and fragments are kept with Flask-Caching (in Redis when REDIS_URL is set, so every web instance
shares them; in process otherwise), under a key that holds the *content version*. Any commit that touched a table a
feature watches (sessions, registrations: `watch_tables`) replaces the version, so the next request renders afresh;
bulk UPDATE/DELETE statements on those tables count too. An entry also lives at most PAGE_TTL seconds, which bounds
what the version cannot see (a session starting, an in-process cache in another process).

Only a *shareable* request is ever answered from the cache or stored in it: a GET by a visitor who is not signed in,
with no flash message waiting and no sign-in remembered in the session. A page whose rendering touched the session
(a CSRF token for a form) is never stored. So the registration panel of a member, the signed-in header and anything
holding a token are always rendered for the person asking.

Early serving (portal.early_answers): the whole answer to a shared page is kept too, and a visitor's GET that
carries no session cookie is answered from it before the rest of the stack. A member's own page (the gratitude feed)
can be kept for that member alone, under the *member version*, which commits to accounts, sign-ins and what such
pages show replace (watch_member_tables).

Cache-Control: a view that sets it wins. Otherwise a shareable page answer that sets no cookie is
`public, max-age=PAGE_TTL` (a shared cache may keep it; Vary: Cookie and HX-Request say what it depends on), and
an answer to a signed-in member is `private, no-cache`.
"""
from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

from flask import Flask, Response, current_app, g, has_app_context, has_request_context, request, session
from flask_caching import Cache
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

log = logging.getLogger(__name__)

cache = Cache()
PAGE_TTL = 60
PUBLIC_PAGE = f"public, max-age={PAGE_TTL}"
MEMBER_PAGE = "private, no-cache"
VERSION_KEY = "content-version"
MEMBER_VERSION_KEY = "member-version"
MAX_SHARED_QUERY = 256
_TOUCHED = "portal_cache_touched"
# WSGI environ: the content version EarlyAnswers (portal.early_answers) read, or UNREACHABLE when Redis did not answer
VERSION_READ = "portal.caching.version"
UNREACHABLE = object()
# app.extensions: a web process's copies of visitors' early answers (portal.early_answers), emptied on a change
LOCAL_ANSWERS = "portal_local_answers"


def watch_tables(app: Flask, *tables: str) -> None:
    """A feature names the tables whose changes alter what shared pages show (called from its init_app)."""
    app.extensions["portal_cache_tables"][VERSION_KEY].update(tables)


def watch_member_tables(app: Flask, *tables: str) -> None:
    """A feature names the tables whose changes alter a member's own kept pages (portal.early_answers): their
    accounts and sign-ins, and what those pages show."""
    app.extensions["portal_cache_tables"][MEMBER_VERSION_KEY].update(tables)


def share_endpoints(app: Flask, *endpoints: str) -> None:
    """A feature names its views that answer visitors with shared pages (cached_html). They carry no rate limit,
    so Flask-Limiter is told to skip them for GET and HEAD instead of resolving an empty set of limits each time."""
    app.extensions["portal_shared_endpoints"].update(endpoints)


def _unlimited_read() -> bool:
    return request.method in ("GET", "HEAD") and request.endpoint in current_app.extensions.get(
        "portal_shared_endpoints", ())


def _watched() -> dict[str, set[str]]:
    """{version key: the tables whose changes replace it}."""
    if not has_app_context():
        return {}
    return current_app.extensions.get("portal_cache_tables", {})


def content_version() -> str | None:
    """The current content version (read once per request, by EarlyAnswers when it ran: portal.early_answers);
    None when the cache cannot be reached."""
    if "content_version" in g:
        return g.content_version
    read = request.environ.get(VERSION_READ) if has_request_context() else None
    if read is not None:
        g.content_version = None if read is UNREACHABLE else read
        return g.content_version
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=0)
            version = cache.get(VERSION_KEY)
    except Exception:  # noqa: BLE001 - Redis down: render every page, never fail one
        log.warning("page cache unreachable; rendering without it", exc_info=True)
        version = None
    g.content_version = version
    return version


def bump_content_version(key: str = VERSION_KEY) -> None:
    """Make every shared page and fragment stale (after sessions or registrations changed), or with
    MEMBER_VERSION_KEY every member's kept pages."""
    try:
        cache.set(key, uuid.uuid4().hex, timeout=0)
    except Exception:  # noqa: BLE001 - entries then expire within PAGE_TTL anyway
        log.warning("could not bump the page cache version %s", key, exc_info=True)
    if key == VERSION_KEY:
        current_app.extensions.get(LOCAL_ANSWERS, {}).clear()
        g.pop("content_version", None)
        if has_request_context():
            request.environ.pop(VERSION_READ, None)


def shareable() -> bool:
    """Whether this request's answer is the same for every visitor: an anonymous GET with nothing personal waiting
    in its session."""
    from flask_login import current_user  # local: Flask-Login is set up by accounts

    if request.method not in ("GET", "HEAD"):
        return False
    if "_user_id" in session or "_flashes" in session:
        return False
    return not current_user.is_authenticated


def cached_html(name: str, render: Callable[[], str], *, key: str = "", timeout: int = PAGE_TTL) -> str:
    """The HTML `render()` returns, shared between visitors when the request is shareable. `name` and `key` must
    together name everything the HTML depends on besides the language and the content version. The entry lives
    `timeout` seconds at most, less when the rendering asked for less (expires_at); the whole answer kept for
    early serving (portal.early_answers) lives no longer than the HTML it holds."""
    if not shareable():
        return render()
    g.shared_page = True
    version = content_version()
    if version is None:
        return render()
    from portal.i18n import current_lang

    # The raw query too: pages repeat it in their links (the other language, hreflang), so a copy made for
    # ?province=ON&anything must never answer ?province=ON. A long one is not worth keeping.
    query = request.query_string
    if len(query) > MAX_SHARED_QUERY:
        return render()
    full_key = f"page:{version}:{current_lang()}:{name}:{key}:{query.decode('latin-1')}"
    try:
        kept = cache.get(full_key)
    except Exception:  # noqa: BLE001
        kept = None
    if isinstance(kept, tuple):
        html, g.page_deadline = kept
        return html
    html = render()
    timeout = max(1, min(timeout, g.pop("cache_timeout", timeout), PAGE_TTL))
    if session.modified or "csrf_token" in g:  # the page holds something of this visitor's: never share it
        g.shared_page = False
        return html
    g.page_deadline = time.time() + timeout
    try:
        cache.set(full_key, (html, g.page_deadline), timeout=timeout)
    except Exception:  # noqa: BLE001
        pass
    return html


def expires_at(instant) -> None:
    """What is being rendered changes by itself at `instant` (a session starts): keep it no longer than that."""
    from portal.extensions import utcnow

    seconds = int((instant - utcnow()).total_seconds())
    g.cache_timeout = min(g.get("cache_timeout", PAGE_TTL), max(1, seconds))


def cache_control(response: Response) -> Response:
    """The after_request step that sets Cache-Control (see the module's docstring)."""
    if "Cache-Control" not in response.headers and request.method in ("GET", "HEAD"):
        if g.get("shared_page") and response.status_code == 200 and not session.modified \
                and "Set-Cookie" not in response.headers:
            response.headers["Cache-Control"] = PUBLIC_PAGE
            response.vary.add("Cookie")
        elif "_user_id" in session and response.mimetype == "text/html":
            response.headers["Cache-Control"] = MEMBER_PAGE
    return response


def _note(orm_session: OrmSession, tables: set) -> None:
    for key, watched in _watched().items():
        if tables & watched:
            orm_session.info.setdefault(_TOUCHED, set()).add(key)


def _note_changes(orm_session: OrmSession, _flush_context) -> None:
    if _watched():
        _note(orm_session, {getattr(obj, "__tablename__", None)
                            for obj in (*orm_session.new, *orm_session.dirty, *orm_session.deleted)})


def _note_bulk(state) -> None:
    if (state.is_update or state.is_delete) and _watched():
        _note(state.session, {getattr(mapper.local_table, "name", None) for mapper in state.all_mappers})


def _after_commit(orm_session: OrmSession) -> None:
    if orm_session.in_nested_transaction():  # a SAVEPOINT released: nothing is visible to others yet
        return
    touched = orm_session.info.pop(_TOUCHED, ())
    if touched and has_app_context():
        for key in sorted(touched):
            bump_content_version(key)


def _after_rollback(orm_session: OrmSession) -> None:
    orm_session.info.pop(_TOUCHED, None)


event.listen(OrmSession, "after_flush", _note_changes)
event.listen(OrmSession, "do_orm_execute", _note_bulk)
event.listen(OrmSession, "after_commit", _after_commit)
event.listen(OrmSession, "after_soft_rollback", lambda s, _t: _after_rollback(s))


def init_app(app: Flask) -> None:
    """Bind Flask-Caching (Redis when configured, else in process) and the Cache-Control policy."""
    from portal.extensions import limiter

    app.extensions["portal_cache_tables"] = {VERSION_KEY: set(), MEMBER_VERSION_KEY: set()}
    app.extensions["portal_shared_endpoints"] = set()
    if _unlimited_read not in limiter._request_filters:
        limiter.request_filter(_unlimited_read)
    redis_url = app.config.get("REDIS_URL")
    if app.config.get("CACHE_TYPE"):
        settings = {}
    elif redis_url:
        # Short timeouts: with Redis unreachable a page is rendered without the cache instead of waiting for it.
        settings = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": redis_url, "CACHE_KEY_PREFIX": "portal-pages:",
                    "CACHE_OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}}
    else:
        settings = {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 2000}
    cache.init_app(app, config={**app.config, "CACHE_DEFAULT_TIMEOUT": PAGE_TTL, **settings})
    app.after_request(cache_control)
