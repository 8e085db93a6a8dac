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

Early serving (below): the whole answer to a shared page is kept too, and a visitor's GET that carries no session
cookie is answered from it before the rest of the stack: with the very bytes that left (EarlyAnswers, a WSGI layer
in front of Flask), or, for an Accept-Encoding not seen yet, by the first before_request function (serve_early).

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
from werkzeug.http import parse_cookie
from sqlalchemy.orm import Session as OrmSession

log = logging.getLogger(__name__)

cache = Cache()
PAGE_TTL = 60
PUBLIC_PAGE = f"public, max-age={PAGE_TTL}"
MEMBER_PAGE = "private, no-cache"
VERSION_KEY = "content-version"
MAX_SHARED_QUERY = 256
_TOUCHED = "portal_cache_touched"


def watch_tables(app: Flask, *tables: str) -> None:
    """A feature names the tables whose changes alter what shared pages show (called from its init_app)."""
    app.extensions["portal_cache_tables"].update(tables)


def share_endpoints(app: Flask, *endpoints: str) -> None:
    """A feature names its views that answer visitors with shared pages (cached_html). They carry no rate limit,
    so Flask-Limiter is told to skip them for GET and HEAD instead of resolving an empty set of limits each time."""
    app.extensions["portal_shared_endpoints"].update(endpoints)


def _unlimited_read() -> bool:
    return request.method in ("GET", "HEAD") and request.endpoint in current_app.extensions.get(
        "portal_shared_endpoints", ())


def _watched() -> set[str]:
    if not has_app_context():
        return set()
    return current_app.extensions.get("portal_cache_tables", set())


def content_version() -> str | None:
    """The current content version (read once per request, by EarlyAnswers when it ran); None when the cache cannot
    be reached."""
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


def bump_content_version() -> None:
    """Make every shared page and fragment stale (after sessions or registrations changed)."""
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=0)
    except Exception:  # noqa: BLE001 - entries then expire within PAGE_TTL anyway
        log.warning("could not bump the page cache version", exc_info=True)
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
    early serving (serve_early) lives no longer than the HTML it holds."""
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


def _cache_control(response: Response) -> Response:
    if "Cache-Control" not in response.headers and request.method in ("GET", "HEAD"):
        if g.get("shared_page") and response.status_code == 200 and not session.modified \
                and "Set-Cookie" not in response.headers:
            response.headers["Cache-Control"] = PUBLIC_PAGE
            response.vary.add("Cookie")
        elif "_user_id" in session and response.mimetype == "text/html":
            response.headers["Cache-Control"] = MEMBER_PAGE
    _keep_for_early_serving(response)
    return response


# Early serving: the whole answer to a shared page, kept and given again before the stack runs, in two tiers.
#
# Once a shareable GET has been answered with a shared page (cached_html) that a shared cache may keep (status 200,
# Cache-Control public, no Set-Cookie, session untouched), the answer is kept under the content version and
# everything the answer can depend on: scheme, host, path and query string, the htmx headers, the language
# Accept-Language picks (the raw header stands for it), and the whole Cookie header. Only a request with no session
# and no remember-me cookie (so: not signed in, no flash waiting, no CSRF token) and no Authorization header is ever
# answered from it; a request carrying a session cookie always goes the long way, so a member's page or a visitor's
# flash is never answered from here.
#
# 1. The final answer, exactly as the stack sent it (compressed as that request's Accept-Encoding asked, which is
#    part of its key), kept by EarlyAnswers, a WSGI layer in front of Flask: the next such request is answered with
#    those bytes before Flask makes a request context (one cache read: the content version and the answer together).
# 2. The answer before compression, kept by the last after_request step: a request the first tier cannot answer
#    (another Accept-Encoding) is answered from it by the first before_request function (serve_early), before
#    Flask-Login, Flask-Babel, Flask-WTF, the limiter and the view; compression still follows its Accept-Encoding,
#    and the first tier keeps the result.
EARLY_HEADERS = tuple(f"HTTP_{name.upper().replace('-', '_')}" for name in (
    "HX-Request", "HX-Target", "HX-Trigger", "HX-Boosted", "HX-History-Restore-Request", "HX-Current-URL",
    "Accept-Language", "Cookie"))
STORE_FINAL = "portal.caching.store_final"  # WSGI environ: set by the stack when its final answer may be kept
VERSION_READ = "portal.caching.version"  # WSGI environ: the version EarlyAnswers read, or UNREACHABLE
UNREACHABLE = object()


def _answer_key(environ: dict, config, version: str, *, encoding: bool) -> str | None:
    """The key of this request's kept answer, or None when it must not be answered early. Read from the WSGI
    environ directly (this runs on every visitor's request)."""
    if environ["REQUEST_METHOD"] not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in environ:
        return None
    cookies = environ.get("HTTP_COOKIE", "")
    if cookies:
        names = parse_cookie(cookies)
        if config["SESSION_COOKIE_NAME"] in names or config.get("REMEMBER_COOKIE_NAME", "remember_token") in names:
            return None
    varying = "|".join(environ.get(name, "") for name in EARLY_HEADERS)
    if encoding:
        varying += "|" + environ.get("HTTP_ACCEPT_ENCODING", "")
    # Scheme and host too: HSTS is sent over HTTPS only, and absolute links may name the host asked for.
    # The second tier's key holds the content version; the first tier's entry holds it instead, so that one read
    # fetches both the current version and the entry.
    return (f"{'final' if encoding else 'answer'}:{version}:{environ.get('wsgi.url_scheme', '')}://"
            f"{environ.get('HTTP_HOST', '')}{environ.get('PATH_INFO', '')}?{environ.get('QUERY_STRING', '')}"
            f":{varying}")


class EarlyAnswers:
    """The first tier: a WSGI layer in front of the app (inside it, WhiteNoise serves static files).

    A visitor's GET or HEAD whose final answer is kept gets it from here. Otherwise the app runs, and when its last
    after_request step says the answer may be shared (it sets STORE_FINAL in the environ), the bytes that left are
    kept for at most as long as the page they hold may be (page_deadline) and PAGE_TTL."""

    def __init__(self, wsgi_app, app: Flask) -> None:
        self.wsgi_app = wsgi_app
        self.app = app
        self.static_prefix = f"{app.static_url_path}/"

    def __call__(self, environ: dict, start_response):
        if environ.get("PATH_INFO", "").startswith(self.static_prefix):
            return self.wsgi_app(environ, start_response)
        backend = self.app.extensions["cache"][cache]
        key = _answer_key(environ, self.app.config, "", encoding=True)  # the version is checked in the entry
        if key is None:
            return self.wsgi_app(environ, start_response)
        try:
            version, kept = backend.get_many(VERSION_KEY, key)
        except Exception:  # noqa: BLE001 - no cache: the stack answers without it (not waiting for it again)
            environ[VERSION_READ] = UNREACHABLE
            return self.wsgi_app(environ, start_response)
        if version is None:  # none yet: the stack makes the first one
            return self.wsgi_app(environ, start_response)
        environ[VERSION_READ] = version  # the stack's content_version() reads it from here
        if isinstance(kept, tuple) and len(kept) == 5 and kept[0] == version and kept[1] > time.time():
            _version, _deadline, status, headers, body = kept
            start_response(status, headers)
            return [b"" if environ["REQUEST_METHOD"] == "HEAD" else body]
        answered: list = []

        def remember(status, headers, exc_info=None):
            answered[:] = [status, headers]
            return start_response(status, headers, exc_info)

        body_iter = self.wsgi_app(environ, remember)
        deadline = environ.get(STORE_FINAL)
        if (deadline is None or environ["REQUEST_METHOD"] != "GET" or not answered
                or not answered[0].startswith("200 ")
                or any(name.lower() == "set-cookie" for name, _value in answered[1])):
            return body_iter
        try:  # the stack said the body is not streamed (_keep_for_early_serving)
            body = b"".join(body_iter)
        finally:
            if hasattr(body_iter, "close"):
                body_iter.close()
        timeout = int(deadline - time.time())
        if timeout >= 1:
            try:
                backend.set(key, (version, deadline, answered[0], answered[1], body),
                            timeout=min(timeout, PAGE_TTL))
            except Exception:  # noqa: BLE001
                pass
        return [body]


def serve_early():
    """The second tier, first before_request function: the answer kept before compression, if there is one."""
    if request.endpoint not in current_app.extensions["portal_shared_endpoints"]:
        return None
    version = content_version()
    if version is None:
        return None
    key = _answer_key(request.environ, current_app.config, version, encoding=False)
    if key is None:
        return None
    g.early_key = key
    try:
        kept = cache.get(key)
    except Exception:  # noqa: BLE001
        return None
    if not isinstance(kept, tuple) or len(kept) != 3:  # none, or kept by an older release during a rolling deploy
        return None
    body, headers, g.page_deadline = kept
    g.served_early = True
    return Response(body, 200, headers=headers)


def _keep_for_early_serving(response: Response) -> None:
    if (request.method != "GET" or not (g.get("shared_page") or g.get("served_early"))
            or response.status_code != 200 or response.is_streamed or session.modified
            or "Set-Cookie" in response.headers
            or not response.headers.get("Cache-Control", "").startswith("public")):
        return
    deadline = g.get("page_deadline", 0)
    timeout = int(deadline - time.time())
    if timeout < 1:
        return
    request.environ[STORE_FINAL] = deadline  # the first tier keeps the answer as it leaves, compressed or not
    key = g.get("early_key")
    if key is None or g.get("served_early") or "Content-Encoding" in response.headers:
        return
    headers = [(name, value) for name, value in response.headers.items() if name != "Content-Length"]
    try:
        cache.set(key, (response.get_data(), headers, deadline), timeout=min(timeout, PAGE_TTL))
    except Exception:  # noqa: BLE001
        pass


def _note_changes(orm_session: OrmSession, _flush_context) -> None:
    watched = _watched()
    if not watched:
        return
    for obj in (*orm_session.new, *orm_session.dirty, *orm_session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table in watched:
            orm_session.info[_TOUCHED] = True
            return


def _note_bulk(state) -> None:
    if not (state.is_update or state.is_delete):
        return
    watched = _watched()
    if any(getattr(mapper.local_table, "name", None) in watched for mapper in state.all_mappers):
        state.session.info[_TOUCHED] = True


def _after_commit(orm_session: OrmSession) -> None:
    if orm_session.in_nested_transaction():  # a SAVEPOINT released: nothing is visible to others yet
        return
    if orm_session.info.pop(_TOUCHED, False) and has_app_context():
        bump_content_version()


def _after_rollback(orm_session: OrmSession) -> None:
    orm_session.info.pop(_TOUCHED, None)


event.listen(OrmSession, "after_flush", _note_changes)
event.listen(OrmSession, "do_orm_execute", _note_bulk)
event.listen(OrmSession, "after_commit", _after_commit)
event.listen(OrmSession, "after_soft_rollback", lambda s, _t: _after_rollback(s))


def init_app(app: Flask) -> None:
    """Bind Flask-Caching (Redis when configured, else in process) and the Cache-Control policy."""
    from portal.extensions import limiter

    app.extensions["portal_cache_tables"] = set()
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
    app.after_request(_cache_control)
    # First of all before_request functions, so that an early answer skips the limiter, Flask-WTF and Flask-Login.
    app.before_request_funcs.setdefault(None, []).insert(0, serve_early)
    app.wsgi_app = EarlyAnswers(app.wsgi_app, app)
