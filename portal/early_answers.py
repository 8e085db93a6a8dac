"""Whole answers, kept and given again before the stack runs: a shared page for visitors, and a member's own page
for that member alone.

Shared pages (visitors). Once a shareable GET has been answered with a shared page (portal.caching.cached_html)
that a shared cache may keep (status 200, Cache-Control public, no Set-Cookie, session untouched), the answer is kept
under the content version and everything the answer can depend on: scheme, host, path and query string, the htmx
headers, the language Accept-Language picks (the raw header stands for it), and the whole Cookie header. Only a
request with no session and no remember-me cookie (so: not signed in, no flash waiting, no CSRF token) and no
Authorization header is ever answered from it. Two tiers (and, with Redis, a copy of the first in each process):

1. The final answer, exactly as the stack sent it (compressed as that request's Accept-Encoding asked, which is
   part of its key), kept by EarlyAnswers, a WSGI layer in front of Flask: the next such request is answered with
   those bytes before Flask makes a request context (one cache read: the content version and the answer together).
   With Redis, the process also keeps what it read for LOCAL_SECONDS (see there): the same request again within
   that second is answered with no cache read at all.
2. The answer before compression, kept by the last after_request step: a request the first tier cannot answer
   (another Accept-Encoding) is answered from it by the first before_request function (serve_early), before
   Flask-Login, Flask-Babel, Flask-WTF, the limiter and the view; compression still follows its Accept-Encoding,
   and the first tier keeps the result.

A member's own page (member_endpoints: the gratitude feed). Its final answer is kept for the browser that asked and
nobody else: the key is a digest of everything the request carries that the answer or its authorization can depend
on (the whole Cookie header, so the signed session and its sign-in; the client's address and forwarding headers and
its User-Agent, which Flask-Login's session protection reads; the path, query, language and htmx headers; the
Accept-Encoding). The entry holds the content version and the member version it was rendered under, and is given
again only while both are current: any commit to an account, a sign-in (signing out anywhere deletes one) or a
table the page shows replaces the member version. Only an answer that set no cookie and left the session untouched
(no flash shown, no new CSRF token) is kept, at most PAGE_TTL seconds. The digest keeps the cookie out of Redis's
keys. Kept only when the cache is Redis, shared by every process: an in-process copy could not hear of a change
made in another process, and a member who appreciated a story there would be shown the page from before.
"""
from __future__ import annotations

import hashlib
import time
import uuid

from flask import Flask, Response, current_app, g, request, session
from flask_caching.backends.rediscache import RedisCache
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_cookie
from werkzeug.routing import RequestRedirect

from portal.caching import (LOCAL_ANSWERS, MEMBER_VERSION_KEY, PAGE_TTL, UNREACHABLE, VERSION_KEY, VERSION_READ, cache,
                            cache_control)

EARLY_HEADERS = tuple(f"HTTP_{name.upper().replace('-', '_')}" for name in (
    "HX-Request", "HX-Target", "HX-Trigger", "HX-Boosted", "HX-History-Restore-Request", "HX-Current-URL",
    "Accept-Language", "Cookie"))
# What else a member's answer, or whether it may be given, depends on (session protection, proxies).
MEMBER_HEADERS = ("HTTP_ACCEPT_ENCODING", "HTTP_USER_AGENT", "REMOTE_ADDR", "HTTP_X_FORWARDED_FOR",
                  "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT",
                  "HTTP_X_FORWARDED_PREFIX")
STORE_FINAL = "portal.caching.store_final"  # WSGI environ: set by the stack when its final answer may be kept
MEMBER_READ = "portal.early_answers.versions"  # WSGI environ: (content, member) versions read before the stack ran


def member_endpoints(app: Flask, *endpoints: str) -> None:
    """A feature names its views whose GET answers a member may be given again (kept for that browser alone)."""
    app.extensions["portal_member_endpoints"].update(endpoints)


def _answer_key(environ: dict, config, version: str, *, encoding: bool) -> str | None:
    """The key of this request's kept shared answer, or None when it must not be answered early. Read from the
    WSGI environ directly (this runs on every visitor's request)."""
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


def _member_key(environ: dict) -> str:
    """The key of this browser's kept answer to this request: a digest, so no cookie is ever part of a key."""
    parts = [environ.get("wsgi.url_scheme", ""), environ.get("HTTP_HOST", ""), environ.get("PATH_INFO", ""),
             environ.get("QUERY_STRING", "")]
    parts += [environ.get(name, "") for name in (*EARLY_HEADERS, *MEMBER_HEADERS)]
    return "member:" + hashlib.blake2b("\x00".join(parts).encode("utf-8", "surrogateescape"),
                                       digest_size=32).hexdigest()


# With Redis, a web process also keeps the visitors' answers it gave in its own memory for LOCAL_SECONDS, so that a
# page asked for many times a second costs no Redis round trip each time (the round trip cost more CPU than the
# bare Flask route the benchmark compares with). A change committed in this process empties that memory at once
# (portal.caching.bump_content_version); one committed in another process shows here within LOCAL_SECONDS. The
# page itself tells browsers and shared caches they may keep it for 60 s, so this is well inside what visitors
# already get. Members' pages are never kept here.
LOCAL_SECONDS = 1.0
LOCAL_ENTRIES = 256
_now = time.time  # tests replace it


class EarlyAnswers:
    """A WSGI layer in front of the app (inside it, WhiteNoise serves static files).

    A visitor's GET or HEAD whose final answer is kept gets it from here, and so does a member's GET or HEAD of a
    member endpoint that this browser asked for before. Otherwise the app runs, and when its last after_request
    step says the answer may be kept (it sets STORE_FINAL in the environ), the bytes that left are kept for at most
    as long as the page they hold may be, and PAGE_TTL."""

    def __init__(self, wsgi_app, app: Flask) -> None:
        self.wsgi_app = wsgi_app
        self.app = app
        self.static_prefix = f"{app.static_url_path}/"
        self.backend = app.extensions["cache"][cache]  # bound by portal.caching before this layer is made
        self.members_kept = isinstance(self.backend, RedisCache)
        # (expires, status, headers, body) by key; only when the cache is Redis (else it is in process)
        self.local: dict | None = app.extensions.setdefault(LOCAL_ANSWERS, {}) if self.members_kept else None

    def __call__(self, environ: dict, start_response):
        if (environ.get("PATH_INFO", "").startswith(self.static_prefix)
                or environ["REQUEST_METHOD"] not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in environ):
            return self.wsgi_app(environ, start_response)
        key = _answer_key(environ, self.app.config, "", encoding=True)  # the version is checked in the entry
        if key is not None:
            return self._answer(environ, start_response, key, member=False)
        if self._for_member(environ):
            return self._answer(environ, start_response, _member_key(environ), member=True)
        return self.wsgi_app(environ, start_response)

    def _for_member(self, environ: dict) -> bool:
        """Whether this request (which carries a session) asks for a member endpoint, with a shared cache."""
        endpoints = self.app.extensions["portal_member_endpoints"]
        if not (self.members_kept and endpoints):
            return False
        try:
            endpoint, _arguments = self.app.url_map.bind_to_environ(environ).match()
        except (HTTPException, RequestRedirect):
            return False
        return endpoint in endpoints

    def _answer(self, environ: dict, start_response, key: str, *, member: bool):
        if not member and self.local is not None:
            copy = self.local.get(key)
            if copy is not None and copy[0] > _now():
                start_response(copy[1], list(copy[2]))  # a list of its own: a server may add to the one it gets
                return [b"" if environ["REQUEST_METHOD"] == "HEAD" else copy[3]]
        try:
            if member:
                version, member_version, kept = self.backend.get_many(VERSION_KEY, MEMBER_VERSION_KEY, key)
            else:
                (version, kept), member_version = self.backend.get_many(VERSION_KEY, key), None
        except Exception:  # noqa: BLE001 - no cache: the stack answers without it (not waiting for it again)
            environ[VERSION_READ] = UNREACHABLE
            return self.wsgi_app(environ, start_response)
        versions = (version, member_version) if member else (version,)
        if member:
            environ[MEMBER_READ] = versions
        if version is None:  # none yet: the stack makes the first one
            return self._run_and_keep(environ, start_response, key, versions) if member else \
                self.wsgi_app(environ, start_response)
        environ[VERSION_READ] = version  # the stack's content_version() reads it from here
        if (isinstance(kept, tuple) and len(kept) == len(versions) + 4 and kept[:len(versions)] == versions
                and None not in versions and kept[len(versions)] > time.time()):
            deadline, status, headers, body = kept[-4:]
            if not member and self.local is not None:
                self._keep_locally(key, deadline, status, headers, body)
            start_response(status, headers)
            return [b"" if environ["REQUEST_METHOD"] == "HEAD" else body]
        return self._run_and_keep(environ, start_response, key, versions)

    def _keep_locally(self, key: str, deadline: float, status: str, headers: list, body: bytes) -> None:
        """This process's copy of a visitor's answer just read from Redis, until LOCAL_SECONDS pass or the page's own
        deadline, whichever comes first (dict operations are atomic, so the threads of a gthread worker may share
        it; when full it starts again empty)."""
        if len(self.local) >= LOCAL_ENTRIES:
            self.local.clear()
        self.local[key] = (min(_now() + LOCAL_SECONDS, deadline), status, tuple(headers), body)

    def _run_and_keep(self, environ: dict, start_response, key: str, versions: tuple):
        answered: list = []

        def remember(status, headers, exc_info=None):
            answered[:] = [status, headers]
            return start_response(status, headers, exc_info)

        body_iter = self.wsgi_app(environ, remember)
        deadline = environ.get(STORE_FINAL)
        if (deadline is None or None in versions or environ["REQUEST_METHOD"] != "GET" or not answered
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
                self.backend.set(key, (*versions, deadline, answered[0], answered[1], body),
                                 timeout=min(timeout, PAGE_TTL))
            except Exception:  # noqa: BLE001
                pass
        return [body]


def serve_early():
    """The second tier, first before_request function: the shared answer kept before compression, if there is
    one."""
    from portal.caching import content_version

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


def _keep_for_early_serving(response: Response) -> Response:
    """The last after_request step: say whether the answer may be kept (and keep the second tier's copy)."""
    if request.method != "GET" or response.status_code != 200 or response.is_streamed or session.modified \
            or "Set-Cookie" in response.headers:
        return response
    if request.endpoint in current_app.extensions["portal_member_endpoints"]:
        _keep_member_page()
        return response
    if not (g.get("shared_page") or g.get("served_early")) \
            or not response.headers.get("Cache-Control", "").startswith("public"):
        return response
    deadline = g.get("page_deadline", 0)
    timeout = int(deadline - time.time())
    if timeout < 1:
        return response
    request.environ[STORE_FINAL] = deadline  # the first tier keeps the answer as it leaves, compressed or not
    key = g.get("early_key")
    if key is None or g.get("served_early") or "Content-Encoding" in response.headers:
        return response
    headers = [(name, value) for name, value in response.headers.items() if name != "Content-Length"]
    try:
        cache.set(key, (response.get_data(), headers, deadline), timeout=min(timeout, PAGE_TTL))
    except Exception:  # noqa: BLE001
        pass
    return response


def _keep_member_page() -> None:
    from flask_login import current_user  # local: Flask-Login is set up by accounts

    if not current_user.is_authenticated or MEMBER_READ not in request.environ:
        return
    missing = [key for key, read in zip((VERSION_KEY, MEMBER_VERSION_KEY), request.environ[MEMBER_READ])
               if read is None]
    if missing:  # the first page since the cache was emptied: make the versions, keep the next answer
        try:
            for key in missing:
                cache.add(key, uuid.uuid4().hex, timeout=0)
        except Exception:  # noqa: BLE001
            pass
        return
    request.environ[STORE_FINAL] = time.time() + PAGE_TTL


def init_app(app: Flask) -> None:
    """Put EarlyAnswers in front of the app, and the second tier first of all before_request functions (so an
    early answer skips the limiter, Flask-WTF and Flask-Login)."""
    app.extensions["portal_member_endpoints"] = set()
    app.before_request_funcs.setdefault(None, []).insert(0, serve_early)
    # after_request functions run last-registered first: placed before Cache-Control's step, this one runs right
    # after it, and before compression (the second tier keeps the answer uncompressed).
    after = app.after_request_funcs.setdefault(None, [])
    after.insert(after.index(cache_control), _keep_for_early_serving)
    app.wsgi_app = EarlyAnswers(app.wsgi_app, app)
