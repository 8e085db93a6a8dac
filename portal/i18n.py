"""Languages: the /en and /fr prefix, locale selection, the message catalog, bilingual fields, and the date and
time filters (which format with portal.times in the page's language).

The catalog is found once per app context, not once per `_()`. Flask-Babel 4's `Domain.get_translations()`
looks up its context, the locale and its catalog cache on every call (three context lookups a string, ~170 strings
on a member's listing). `CatalogOncePerContext` keeps the catalog it found in `babel_translations` on Flask-Babel's
context, the attribute that Flask-Babel's `force_locale()` already empties and restores on the way out and that
`refresh()` drops (its own lookup no longer reads it), so an email composed in French inside an English request,
or several languages one after another in a worker's context, still gets its own language. Python code keeps
importing `gettext`, `ngettext`, `lazy_gettext` from flask_babel: they reach this domain. Templates go further:
`render_template` hands them the catalog once (a context processor, run inside any `force_locale`) and their
`_()`, `ngettext()`, `pgettext()` and `{% trans %}` read it from the template's own context, with no Flask context
lookup; a macro imported without context, or a template rendered outside render_template, asks the domain.
"""
from __future__ import annotations

from datetime import datetime, tzinfo

import flask_babel
from babel.support import NullTranslations
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import get_locale, get_translations, lazy_gettext as _l
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape
from werkzeug.routing import BaseConverter
from werkzeug.utils import cached_property

import portal.times as times
from portal.times import BABEL_LOCALES, EASTERN

LANGUAGES = ("en", "fr")
HTML_LANGS = {"en": "en-CA", "fr": "fr-CA"}
LANG_COOKIE = "lang"

PROVINCES = {
    "AB": _l("Alberta"),
    "BC": _l("British Columbia"),
    "MB": _l("Manitoba"),
    "NB": _l("New Brunswick"),
    "NL": _l("Newfoundland and Labrador"),
    "NS": _l("Nova Scotia"),
    "NT": _l("Northwest Territories"),
    "NU": _l("Nunavut"),
    "ON": _l("Ontario"),
    "PE": _l("Prince Edward Island"),
    "QC": _l("Quebec"),
    "SK": _l("Saskatchewan"),
    "YT": _l("Yukon"),
}


class CatalogOncePerContext(flask_babel.Domain):
    """The app's message domain, whose catalog is looked up once per app context (and once more inside each
    `force_locale`) and kept on Flask-Babel's context as `babel_translations`."""

    def get_translations(self) -> NullTranslations:
        """The catalog of the current locale: the one kept on the context, else found and kept."""
        # Flask-Babel's own accessor for its per-app-context namespace (None outside an app context).
        context = flask_babel._get_current_context()
        if context is None:
            return super().get_translations()
        catalog = getattr(context, "babel_translations", None)
        if catalog is None:
            catalog = context.babel_translations = super().get_translations()
        return catalog


class PortalBabel(flask_babel.Babel):
    """Flask-Babel with the catalog found once per app context (CatalogOncePerContext) and handed to templates
    once per render."""

    @cached_property
    def domain_instance(self) -> CatalogOncePerContext:
        """The default domain (flask_babel.get_domain() returns it)."""
        return CatalogOncePerContext(domain=self.domain)

    def init_app(self, app: Flask, *args, **kwargs) -> None:
        """Flask-Babel's set-up, then the template side: the catalog in each template context, read by the
        gettext callables Jinja's i18n extension calls."""
        super().init_app(app, *args, **kwargs)
        app.context_processor(lambda: {TEMPLATE_CATALOG: get_translations()})
        app.jinja_env.install_gettext_callables(gettext=_template_gettext, ngettext=_template_ngettext,
                                                pgettext=_template_pgettext, npgettext=_template_npgettext,
                                                newstyle=True)


TEMPLATE_CATALOG = "babel_catalog"


def _catalog_of(context: Context) -> NullTranslations:
    """The catalog render_template put in this template's context, else the current one (a macro imported
    without context, a template rendered outside render_template)."""
    catalog = context.get(TEMPLATE_CATALOG)
    return catalog if catalog is not None else get_translations()


@pass_context
def _template_gettext(context: Context, string: str) -> str:
    return _catalog_of(context).ugettext(string)


@pass_context
def _template_ngettext(context: Context, singular: str, plural: str, num: int) -> str:
    return _catalog_of(context).ungettext(singular, plural, num)


@pass_context
def _template_pgettext(context: Context, msgctxt: str, string: str) -> str:
    return _catalog_of(context).upgettext(msgctxt, string)


@pass_context
def _template_npgettext(context: Context, msgctxt: str, singular: str, plural: str, num: int) -> str:
    return _catalog_of(context).unpgettext(msgctxt, singular, plural, num)


class LangConverter(BaseConverter):
    """Matches only our two language prefixes, so /de/... is an ordinary 404."""

    regex = "en|fr"


def current_lang() -> str:
    """The two-letter language of this request: the URL prefix, else the negotiated one."""
    lang = g.get("lang")
    if lang in LANGUAGES:
        return lang
    if not has_request_context():
        # Worker, clock and CLI: the language of the locale forced for this email (force_locale), else English.
        locale = get_locale()
        return locale.language if locale is not None and locale.language in LANGUAGES else "en"
    return negotiate_lang()


def negotiate_lang() -> str:
    """For URLs without a prefix: the signed-in member's choice, the cookie, then Accept-Language."""
    from flask_login import current_user  # local: i18n is imported by the login setup

    first = request.path.strip("/").split("/", 1)[0] if request else ""
    if first in LANGUAGES:
        return first
    try:
        user_locale = getattr(current_user, "locale", None) if current_user else None
    except Exception:  # noqa: BLE001 - a down database must not break language choice
        user_locale = None
    if user_locale in LANGUAGES:
        return user_locale
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in LANGUAGES:
        return cookie
    return request.accept_languages.best_match(LANGUAGES) or "en"


def select_locale() -> str:
    """Flask-Babel locale selector: en_CA or fr_CA (catalogs fall back to en / fr)."""
    if not has_request_context():
        return BABEL_LOCALES["en"]  # workers and the CLI choose with force_locale()
    return BABEL_LOCALES[current_lang()]


def pick_language(english: str, french: str, lang: str) -> tuple[str, str]:
    """The French text for French when there is some, else the English: (text, the language it is in). The one
    rule for every bilingual value, database columns and data files alike."""
    if lang == "fr" and (french or "").strip():
        return french, "fr"
    return english or "", "en"


def localized(obj, field: str, lang: str | None = None) -> str:
    """The `<field>_fr` column in French (the page's language unless `lang` is given) when filled in, else
    `<field>_en`."""
    return pick_language(getattr(obj, f"{field}_en", ""), getattr(obj, f"{field}_fr", ""),
                         lang or current_lang())[0]


def localized_html(obj, field: str) -> Markup:
    """Like localized(), but marks English fallback text with lang="en" so screen readers switch voice."""
    lang = current_lang()
    text, text_lang = pick_language(getattr(obj, f"{field}_en", ""), getattr(obj, f"{field}_fr", ""), lang)
    if text_lang != lang:
        return Markup('<span lang="%s">%s</span>') % (text_lang, text)
    return escape(text)


def format_session_time(value: datetime, zone: tzinfo = EASTERN) -> str:
    """The `session_time` filter: "7:00 p.m. ET" / "19 h 00 HE" in the page's language."""
    return times.format_session_time(value, current_lang(), zone)


def format_session_date(value: datetime, zone: tzinfo = EASTERN, style: str = "full") -> str:
    """The `session_date` filter: "Wednesday, February 1, 2023" / "mercredi 1 février 2023"."""
    return times.format_session_date(value, current_lang(), zone, style)


def format_viewer_time(value: datetime, with_date: bool = False) -> str:
    """The `viewer_time` filter: Eastern Time, and the signed-in member's province time beside it; `with_date`
    names the date first ("le lundi 7 décembre 2026 à 19 h (HE)")."""
    from flask_login import current_user

    signed_in = has_request_context() and current_user and current_user.is_authenticated
    zone = times.zone_for(current_user.province) if signed_in else None
    return times.format_time_beside_eastern(value, current_lang(), zone, with_date=with_date)


def format_session_moment(value: datetime, style: str = "full", article: bool = False) -> str:
    """The `session_moment` filter: date and time in Eastern Time, "Dec. 7, 2026, 7:00 p.m. ET" /
    "7 déc. 2026 à 19 h (HE)" (tables and lists; `article` adds French "le")."""
    return times.format_moment(value, current_lang(), EASTERN, style, article=article)


def init_app(app: Flask) -> None:
    """Register the converter, the prefix handling and the template helpers."""
    from portal.urls import IdConverter

    app.url_map.converters["lang"] = LangConverter
    app.url_map.converters["int"] = IdConverter  # before any blueprint adds a rule that uses it

    @app.url_value_preprocessor
    def _pull_lang(_endpoint, values):
        if values and "lang" in values:
            g.lang = values.pop("lang")

    @app.url_defaults
    def _add_lang(endpoint, values):
        if "lang" not in values and app.url_map.is_endpoint_expecting(endpoint, "lang"):
            values["lang"] = current_lang()

    @app.after_request
    def _remember_lang(response):
        lang = g.get("lang")
        # Only what Accept-Language would not tell next time is remembered, so that a visitor reading in their
        # browser's language gets pages that set no cookie (and that a shared cache may keep).
        cookie = request.cookies.get(LANG_COOKIE)
        if cookie is None and lang == (request.accept_languages.best_match(LANGUAGES) or "en"):
            return response
        if lang in LANGUAGES and cookie != lang:
            response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                                secure=app.config.get("SESSION_COOKIE_SECURE", False))
        return response

    app.jinja_env.globals.update(
        current_lang=current_lang, localized=localized, localized_html=localized_html, PROVINCES=PROVINCES,
        other_lang_url=other_lang_url, html_lang=html_lang, alternates=alternates, colon=colon,
    )
    app.jinja_env.filters["session_time"] = format_session_time
    app.jinja_env.filters["session_date"] = format_session_date
    app.jinja_env.filters["viewer_time"] = format_viewer_time
    app.jinja_env.filters["session_moment"] = format_session_moment
    app.jinja_env.filters["html_datetime"] = html_datetime


def html_datetime(value: datetime) -> str:
    """The `html_datetime` filter: a <time datetime> value; HTML allows at most three digits of a second."""
    return value.isoformat(timespec="seconds")


def page_in(lang: str) -> str:
    """This page's path in `lang`, query string kept (pages outside the language prefix map to that home)."""
    path = request.path
    parts = path.split("/", 2)
    if len(parts) > 1 and parts[1] in LANGUAGES:
        path = "/" + lang + ("/" + parts[2] if len(parts) > 2 else "/")
    else:
        path = f"/{lang}/"
    query = request.query_string.decode("utf-8", "replace")
    return path + ("?" + query if query else "")


def other_lang_url() -> str:
    """This page in the other language, query string kept."""
    return page_in("fr" if current_lang() == "en" else "en")


def colon() -> str:
    """The colon between a label and its value in the page's language: "Reports: 2" / "Signalements\u00a0: 2"
    (French puts a no-break space before it)."""
    return "\u00a0: " if current_lang() == "fr" else ": "


def html_lang(lang: str | None = None) -> str:
    """The BCP 47 tag for <html lang> and hreflang: Canadian English and French (en-CA, fr-CA)."""
    return HTML_LANGS[lang or current_lang()]


def alternates() -> list[tuple[str, str]]:
    """(hreflang, absolute URL) of this page in each language, for <link rel="alternate">."""
    base = current_app.config["PORTAL_BASE_URL"].rstrip("/")
    return [(HTML_LANGS[lang], base + page_in(lang)) for lang in LANGUAGES]
