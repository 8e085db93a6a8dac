"""Every route of an app as a concrete URL, for the checks that must cover every route (headers, CSRF).

A route whose URL has an argument no sample exists for makes those checks fail with a message naming it: add a
sample below (e.g. `"token": "not-a-real-token"` for a verification link) and the route is covered.
"""
from __future__ import annotations

from collections.abc import Iterator

from flask import Flask
from werkzeug.routing import Rule

# Values for URL arguments; ids of real rows come from the caller (see quality.site.SAMPLE_KEYS).
ROUTE_SAMPLES: dict[str, object] = {
    "lang": "en",
    "filename": "css/portal.css",
    "token": "not-a-real-token",  # verification, survey and calendar-feed links: a wrong token still gets headers
    "notification_id": 1,  # staff outbox retry: an unknown id still gets headers and needs a CSRF token
    "code": 500,  # the harness site's error probe: its response is an error page, which needs the headers too
    "post_id": 1,  # gratitude stories and their moderation: an unknown id still gets headers and needs a CSRF token
}

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def concrete_routes(app: Flask, samples: dict[str, object]) -> Iterator[tuple[Rule, str]]:
    """(rule, path) for every rule of the app, its arguments filled from ROUTE_SAMPLES and `samples`."""
    values = {**ROUTE_SAMPLES, **samples}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        missing = rule.arguments - values.keys()
        if missing:
            raise LookupError(f"no sample value for {sorted(missing)} in {rule.rule}: add one to "
                              "quality.routes.ROUTE_SAMPLES so every check covers this route")
        yield rule, rule.build({name: values[name] for name in rule.arguments})[1]


def methods(rule: Rule) -> list[str]:
    """The methods a rule answers, without the automatic HEAD and OPTIONS."""
    return sorted(rule.methods - {"HEAD", "OPTIONS"})
