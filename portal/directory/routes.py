"""The 'Get help now' views: thin, they pick the province, build the listing and render. No database needed."""
from __future__ import annotations

from functools import partial

from flask import Blueprint, current_app, g, make_response, render_template, request, session, url_for
from flask_login import current_user

import portal.directory.display as display
from portal.directory.hours import open_state
from portal.directory.services import ProvinceChoice, choose_province, help_listing
from portal.extensions import login_manager, utcnow
from portal.caching import cached_html
from portal.htmx import wants_fragment
from portal.i18n import current_lang

bp = Blueprint("directory", __name__, url_prefix="/<lang:lang>")

PROVINCE_COOKIE = "help_province"
PUBLIC_CACHE = "public, max-age=300"
# Personalised answers (a member's profile, a remembered choice) stay in the person's own browser, briefly.
PRIVATE_CACHE = "private, max-age=60"


def _member_province() -> tuple[bool, str | None]:
    """(signed in?, profile province), without letting a down database break the page.

    Flask-Login loads the member from the database when the session names one. If that fails, the page goes on
    as for a visitor, and the rest of this request (the header's account links) sees an anonymous user too.
    """
    try:
        user = current_user._get_current_object()
        if user.is_authenticated:
            return True, getattr(user, "province", None)
    except Exception:  # noqa: BLE001 - any failure to load the member must leave the crisis page working
        current_app.logger.warning("Get help: could not load the signed-in member; showing the visitor page",
                                   exc_info=True)
        g._login_user = login_manager.anonymous_user()
    return False, None


def _choose() -> tuple[ProvinceChoice, bool]:
    """The province to show, and whether the answer is personal (member, cookie, or a session naming a user)."""
    signed_in, profile_province = _member_province()
    choice = choose_province(requested=request.args.get("province"), member_province=profile_province,
                             cookie=request.cookies.get(PROVINCE_COOKIE))
    personal = signed_in or "_user_id" in session or choice.source in ("member", "cookie")
    return choice, personal


def _context(choice: ProvinceChoice, personal: bool) -> dict:
    return {"listing": help_listing(current_app.extensions["directory"], choice.code), "choice": choice, "personal": personal,
            "now": utcnow()}


@bp.context_processor
def _directory_helpers() -> dict:
    lang = current_lang()
    return {
        "open_state": open_state, "phone_link": display.phone_link, "phone_label": display.phone_label,
        "phone_text": display.phone_text,
        "website_label": display.website_label, "purpose_text": display.purpose_text,
        "status_text": display.status_text,
        "service_name": partial(display.service_name, lang=lang),
        "eligibility": partial(display.eligibility, lang=lang),
        "hours_in_words": partial(display.hours_in_words, lang=lang),
        "languages_in_words": partial(display.languages_in_words, lang=lang),
        "verified_text": partial(display.verified_text, lang=lang),
        "organization_name": partial(display.organization_name, lang=lang),
        "phone_note": partial(display.phone_note, lang=lang),
        "provinces_by_name": partial(display.provinces_by_name, lang),
    }


def _finish(response, choice: ProvinceChoice, personal: bool):
    """Remember an explicit choice in a cookie; cache publicly only what is the same for every visitor."""
    if choice.source == "query" and request.cookies.get(PROVINCE_COOKIE) != choice.code:
        response.set_cookie(PROVINCE_COOKIE, choice.code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
        personal = True  # a shared cache must never hand this Set-Cookie to someone else
    # Flask-Login may have touched the session cookie (which also holds the CSRF token): never share that.
    personal = personal or session.modified
    response.headers["Cache-Control"] = PRIVATE_CACHE if personal else PUBLIC_CACHE
    response.vary.add("Cookie")
    response.vary.add("HX-Request")
    return response


@bp.get("/help")
def get_help():
    """Crisis lines first (911, 988), then services across Canada, then those of the chosen province.

    A GET form picks the province (`?province=ON`, or `national`); an htmx request gets only the results.
    Touches no database for visitors, and survives a database failure for members.
    """
    choice, personal = _choose()
    fragment = wants_fragment()
    template = "directory/_results.html" if fragment else "directory/help.html"

    def draw() -> str:
        return render_template(template, fragment=fragment, **_context(choice, personal))

    # What is open changes with the minute: a visitor's page is shared (portal.caching) within one minute.
    now = utcnow()
    html = draw() if personal else cached_html(template, draw, key=f"{choice.code}:{now:%Y%m%d%H%M}",
                                               timeout=60 - now.second)
    response = make_response(html)
    response.vary.add("HX-Request")
    return _finish(response, choice, personal)


@bp.get("/help.txt")
def get_help_text():
    """The same listing as plain text (UTF-8), to paste into a message; same province filter."""
    choice, personal = _choose()
    base_url = current_app.config["PORTAL_BASE_URL"]
    body = render_template("directory/help.txt", base_url=base_url,
                           page_url=base_url + url_for("directory.get_help", province=choice.code),
                           **_context(choice, personal))
    response = make_response(body)
    response.mimetype = "text/plain"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return _finish(response, choice, personal)


@bp.get("/support-a-colleague")
def support_a_colleague():
    """How to help a colleague who may be struggling, and where to refer them (issue 16). Public prose, one template
    per language; the crisis lines and programs come from the directory with the same province choice as /help."""
    choice, personal = _choose()
    response = make_response(render_template(f"directory/support_{current_lang()}.html",
                                             **_context(choice, personal)))
    return _finish(response, choice, personal)
