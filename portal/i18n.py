"""Languages and time: the /en and /fr prefix, locale selection, bilingual fields and Babel formatting."""
from __future__ import annotations

from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from flask import Flask, g, has_request_context, request
from flask_babel import get_locale, lazy_gettext as _l
from markupsafe import Markup, escape
from werkzeug.routing import BaseConverter

LANGUAGES = ("en", "fr")
BABEL_LOCALES = {"en": "en_CA", "fr": "fr_CA"}
LANG_COOKIE = "lang"
EASTERN = ZoneInfo("America/Toronto")

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

# Each province's most populous zone; Nunavut's capital is on Eastern Time.
PROVINCE_ZONES = {
    "AB": "America/Edmonton", "BC": "America/Vancouver", "MB": "America/Winnipeg", "NB": "America/Moncton",
    "NL": "America/St_Johns", "NS": "America/Halifax", "NT": "America/Yellowknife", "NU": "America/Iqaluit",
    "ON": "America/Toronto", "PE": "America/Halifax", "QC": "America/Toronto", "SK": "America/Regina",
    "YT": "America/Whitehorse",
}

# Short generic zone labels, as Canadians write them in each language.
ZONE_LABELS = {
    "America/Toronto": ("ET", "HE"), "America/Iqaluit": ("ET", "HE"),
    "America/Winnipeg": ("CT", "HC"), "America/Regina": ("CT", "HC"),
    "America/Edmonton": ("MT", "HR"), "America/Yellowknife": ("MT", "HR"), "America/Whitehorse": ("MT", "HR"),
    "America/Vancouver": ("PT", "HP"),
    "America/Halifax": ("AT", "HA"), "America/Moncton": ("AT", "HA"),
    "America/St_Johns": ("NT", "HT"),
}


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


def localized(obj, field: str) -> str:
    """The French column when the page is French and it is filled in, else the English one."""
    if current_lang() == "fr":
        value = getattr(obj, f"{field}_fr", "") or ""
        if value.strip():
            return value
    return getattr(obj, f"{field}_en", "") or ""


def localized_html(obj, field: str) -> Markup:
    """Like localized(), but marks English fallback text with lang="en" so screen readers switch voice."""
    value = localized(obj, field)
    if current_lang() == "fr" and not (getattr(obj, f"{field}_fr", "") or "").strip():
        return Markup('<span lang="en">%s</span>') % value
    return escape(value)


def zone_for(province: str | None) -> ZoneInfo:
    """The zone a member in this province sees times in (Eastern when unknown)."""
    return ZoneInfo(PROVINCE_ZONES.get(province or "", "America/Toronto"))


def zone_label(zone: tzinfo) -> str:
    """ET / HE and friends for the current language."""
    en, fr = ZONE_LABELS.get(str(zone), ("ET", "HE"))
    return fr if current_lang() == "fr" else en


def format_session_time(value: datetime, zone: tzinfo = EASTERN) -> str:
    """"7:00 p.m. ET" / "19 h 00 HE" in the given zone."""
    local = value.astimezone(zone)
    # en_CA / fr_CA even when a worker forced plain "fr" (which would give "19:00" instead of "19 h 00").
    return f"{format_time(local, 'short', locale=BABEL_LOCALES[current_lang()])} {zone_label(zone)}"


def format_session_date(value: datetime, zone: tzinfo = EASTERN, style: str = "full") -> str:
    """"Wednesday, February 1, 2023" / "mercredi 1 février 2023" in the given zone."""
    return format_date(value.astimezone(zone), style, locale=BABEL_LOCALES[current_lang()])


def format_time_beside_eastern(value: datetime, zone: tzinfo | None) -> str:
    """"7:00 p.m. ET (8:30 p.m. NT)": Eastern Time, then the member's zone when its clock differs (with that
    zone's date when the day differs too). `zone` None (an anonymous visitor) gives Eastern only."""
    eastern = format_session_time(value)
    if zone is None or zone_label(zone) == zone_label(EASTERN):
        return eastern
    local = format_session_time(value, zone)
    if value.astimezone(zone).date() != value.astimezone(EASTERN).date():
        local = f"{format_session_date(value, zone, 'medium')}, {local}"
    return f"{eastern} ({local})"


def format_viewer_time(value: datetime) -> str:
    """The `viewer_time` filter: Eastern Time, and the signed-in member's province time beside it."""
    from flask_login import current_user

    signed_in = has_request_context() and current_user and current_user.is_authenticated
    return format_time_beside_eastern(value, zone_for(current_user.province) if signed_in else None)


def init_app(app: Flask) -> None:
    """Register the converter, the prefix handling and the template helpers."""
    app.url_map.converters["lang"] = LangConverter

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
        if lang in LANGUAGES and request.cookies.get(LANG_COOKIE) != lang:
            response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                                secure=app.config.get("SESSION_COOKIE_SECURE", False))
        return response

    app.jinja_env.globals.update(
        current_lang=current_lang, localized=localized, localized_html=localized_html, PROVINCES=PROVINCES,
        other_lang_url=other_lang_url,
    )
    app.jinja_env.filters["session_time"] = format_session_time
    app.jinja_env.filters["session_date"] = format_session_date
    app.jinja_env.filters["viewer_time"] = format_viewer_time


def other_lang_url() -> str:
    """This page in the other language, query string kept."""
    other = "fr" if current_lang() == "en" else "en"
    path = request.path
    parts = path.split("/", 2)
    if len(parts) > 1 and parts[1] in LANGUAGES:
        path = "/" + other + ("/" + parts[2] if len(parts) > 2 else "/")
    else:
        path = f"/{other}/"
    query = request.query_string.decode("utf-8", "replace")
    return path + ("?" + query if query else "")
