"""The bilingual frame: prefixes, negotiation, the other-language link, Babel formatting, a complete catalog."""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone

import flask_babel
import pytest
from babel.messages.pofile import read_po
from flask import render_template_string
from flask_babel import gettext

from portal.accounts.emails import VERIFY_EMAIL
from portal.cli import EXTRACT_ARGS
from portal.config import ROOT
from portal.extensions import db as portal_db
from portal.i18n import PROVINCES, current_lang, format_session_time
from portal.notifications.compose import compose
from portal.notifications.models import Notification
from portal.notifications.services import notify
from portal.times import zone_for
from tests.when import in_days

PAGES = ["/", "/sessions", "/faq", "/help"]


def test_root_redirects_by_accept_language(client):
    response = client.get("/", headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/fr/")
    assert "Accept-Language" in response.headers["Vary"]


def test_root_prefers_cookie_over_accept_language(client):
    client.set_cookie("lang", "en")
    response = client.get("/", headers={"Accept-Language": "fr"})
    assert response.headers["Location"].endswith("/en/")


def test_visiting_a_language_remembers_it(client):
    client.get("/fr/faq")
    response = client.get("/", headers={"Accept-Language": "en"})
    assert response.headers["Location"].endswith("/fr/")


def test_root_defaults_to_english(client):
    assert client.get("/").headers["Location"].endswith("/en/")


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_declares_language_and_links_to_the_other(client, lang, page):
    response = client.get(f"/{lang}{page}?format=drop_in")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}-CA">' in html
    other = "fr" if lang == "en" else "en"
    assert f'href="/{other}{page}?format=drop_in"' in html
    assert 'class="skip-link" href="#main"' in html
    assert f'href="/{lang}/help"' in html  # "Get help now" in the header
    assert "988" in html and "911" in html  # footer crisis line


@pytest.mark.parametrize(("path", "expected"), [("/de/sessions", "We could not find that page"),
                                                ("/fr/nulle-part", "Nous n'avons pas trouvé cette page"),
                                                ("/en/nowhere", "We could not find that page")])
def test_unknown_pages_get_a_404_in_the_right_language(client, path, expected):
    response = client.get(path, headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert expected in response.get_data(as_text=True)


def test_404_without_prefix_follows_accept_language(client):
    response = client.get("/de/sessions", headers={"Accept-Language": "fr"})
    assert response.status_code == 404
    assert '<html lang="fr-CA">' in response.get_data(as_text=True)


WINTER = datetime(2027, 1, 20, 0, 0, tzinfo=timezone.utc)   # 19:00 EST on Jan 19
SUMMER = datetime(2027, 7, 20, 23, 0, tzinfo=timezone.utc)  # 19:00 EDT on Jul 20


@pytest.mark.parametrize(("lang", "instant", "province", "expected"), [
    ("en", WINTER, None, "7:00\u202fp.m. ET"),
    ("en", SUMMER, None, "7:00\u202fp.m. ET"),
    ("fr", WINTER, None, "19\u00a0h\u00a0(HE)"),
    ("fr", SUMMER, "BC", "16\u00a0h\u00a0(HP)"),
    ("en", WINTER, "NL", "8:30\u202fp.m. NT"),
])
def test_times_are_formatted_by_babel_with_the_zone(app, lang, instant, province, expected):
    with app.test_request_context(f"/{lang}/"):
        app.preprocess_request()
        value = format_session_time(instant, zone_for(province))
    # Babel puts a narrow no-break space before a.m./p.m.; accept a plain one too.
    assert value.replace(" ", "\u202f") == expected.replace(" ", "\u202f")


def test_french_catalog_is_complete():
    po = ROOT / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    untranslated = [m.id for m in catalog if m.id and not (all(m.string) if isinstance(m.string, tuple)
                                                         else m.string)]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


def test_catalog_covers_every_string_in_the_code(tmp_path):
    """Extracting again finds nothing the French catalog lacks (so no page shows English by accident)."""
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *EXTRACT_ARGS, "-o", str(pot), "."],
                   cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as handle:
        extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    po = ROOT / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as handle:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle, locale="fr") if m.id}
    assert extracted - known == set()



@pytest.fixture
def catalog_lookups(monkeypatch):
    """Counts Flask-Babel's own catalog lookups (locale, then its catalog cache), the work done once per request."""
    lookups: list[str] = []
    real = flask_babel.Domain.get_translations

    def counting(domain):
        lookups.append(str(flask_babel.get_locale()))
        return real(domain)

    monkeypatch.setattr(flask_babel.Domain, "get_translations", counting)
    return lookups


@pytest.mark.parametrize(("lang", "translated"), [("en", "Moderator"), ("fr", "Animation")])
def test_a_members_listing_looks_its_catalog_up_once_however_many_strings_it_shows(
        client, login, make_user, make_session, catalog_lookups, lang, translated):
    login(make_user(locale=lang))
    per_page = []
    for cards in (1, 20):  # ~20 strings, then ~170 (each card has its own labels)
        while len(per_page) < cards:
            per_page.append(make_session(starts_at=in_days(2 + len(per_page))))
        catalog_lookups.clear()
        html = client.get(f"/{lang}/sessions").get_data(as_text=True)
        assert html.count('class="session-card"') == cards and html.count(translated) >= cards
        assert catalog_lookups == [f"{lang}_CA"], f"{cards} cards: {len(catalog_lookups)} lookups"


PROBE = '{{ _("Moderator") }}|{{ ngettext("%(num)d place left", "%(num)d places left", 2) }}|{{ PROVINCES["QC"] }}'
SAID = {"en": "Moderator|2 places left|Quebec", "fr": "Animation|2 places restantes|Québec"}
SUBJECTS = {"en": "Confirm your email address", "fr": "Confirmez votre adresse courriel"}


def _verify_emails(db, make_user) -> dict[str, int]:
    """An unverified member in each language, with their confirmation email queued: {lang: notification id}."""
    ids = {}
    for lang in ("en", "fr"):
        user = make_user(locale=lang, email_verified_at=None)
        ids[lang] = notify(db, kind=VERIFY_EMAIL, recipient_email=user.email, user_id=user.id, locale=lang,
                           dedupe_key=f"verify:{user.id}").id
    db.commit()
    return ids


def _said(message) -> str:
    return f"{message['Subject']} / {message.get_body(('html',)).get_content()}"


def test_an_email_composed_amid_a_page_in_the_other_language_keeps_each_language(app, client, db, make_user):
    """The catalog a request keeps is set aside while an email is composed in the recipient's language, and
    given back afterwards: templates, ngettext, lazy strings and Python gettext alike."""
    emails = _verify_emails(db, make_user)

    @app.get("/<lang:lang>/probe")
    def probe():
        session = portal_db.session
        before = render_template_string(PROBE) + "|" + gettext("Format")
        other = "en" if current_lang() == "fr" else "fr"
        email = _said(compose(session.get(Notification, emails[other]), session))
        after = render_template_string(PROBE) + "|" + str(PROVINCES["ON"])
        return {"before": before, "email": email, "after": after}

    for lang, other in (("en", "fr"), ("fr", "en")):
        said = client.get(f"/{lang}/probe").get_json()
        assert said["before"] == SAID[lang] + "|Format"
        assert said["email"].startswith(SUBJECTS[other] + " / ")
        assert ("Pour confirmer votre adresse courriel" in said["email"]) == (other == "fr")
        assert said["after"] == SAID[lang] + "|Ontario"


def test_the_worker_composes_one_email_after_another_each_in_its_language(app, db, make_user):
    """One app context, no request (the worker): each email in its recipient's language, English around them."""
    emails = _verify_emails(db, make_user)
    for lang in ("fr", "en", "fr", "en"):
        said = _said(compose(db.get(Notification, emails[lang]), db))
        assert said.startswith(SUBJECTS[lang] + " / ")
        assert ("Pour confirmer votre adresse courriel" in said) == (lang == "fr")
        assert render_template_string(PROBE) == SAID["en"] and str(PROVINCES["QC"]) == "Quebec"


def test_pgettext_npgettext_and_trans_blocks_work_in_templates(app):
    """pgettext and npgettext (no string of ours has a context yet, so the English comes back, formatted)."""
    with app.test_request_context("/fr/"):
        app.preprocess_request()
        said = render_template_string('{{ pgettext("menu", "Moderator") }}|'
                                      '{{ npgettext("menu", "%(num)d place left", "%(num)d places left", 3) }}|'
                                      '{% trans count=2 %}{{ count }} place left{% pluralize %}{{ count }} places '
                                      'left{% endtrans %}|{{ _("Moderator") }}')
    assert said == "Moderator|3 places left|2 places left|Animation"
