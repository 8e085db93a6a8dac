"""/<lang>/help: crisis lines first, the province filter (GET form + htmx), each entry's facts, caching."""
from __future__ import annotations

import re

import pytest
import yaml
from sqlmodel import SQLModel

from directory_entries import entry, required_entries
from portal import create_app
from portal.extensions import db as portal_db
from portal.i18n import PROVINCES

@pytest.fixture
def directory_app(app_config, tmp_path):
    """Factory: an app over a directory file holding the required entries plus `entries`."""
    apps = []

    def _make(*entries: dict):
        path = tmp_path / "directory.yaml"
        path.write_text(yaml.safe_dump([*required_entries(), *entries], allow_unicode=True), encoding="utf-8")
        app_config.DIRECTORY_FILE = str(path)
        application = create_app(app_config)
        with application.app_context():
            SQLModel.metadata.create_all(portal_db.engine)
        apps.append(application)
        return application

    yield _make
    for application in apps:
        with application.app_context():
            portal_db.dispose()


HIDDEN_NAME = "Talk Suicide Canada"
HIDDEN_NUMBER = "1-833-456-4566"


def main_of(html: str) -> str:
    return unescape_quotes(html.split('<main id="main" tabindex="-1">', 1)[1].split("</main>", 1)[0])


def unescape_quotes(html: str) -> str:
    """Data is escaped (d&#39;urgence) while catalog strings are not (d'urgence): compare without the difference."""
    return html.replace("&#39;", "'")


@pytest.mark.parametrize(("lang", "danger", "crisis"), [
    ("en", "If you are in immediate danger, call 911 or go to the nearest emergency department.",
     "call or text 988, 24 hours a day, 7 days a week, in English and French."),
    ("fr", "Si vous êtes en danger immédiat, composez le 911 ou rendez-vous au service d'urgence le plus proche.",
     "appelez ou textez le 988, 24 heures sur 24, 7 jours sur 7, en français et en anglais."),
])
def test_the_crisis_lines_come_before_anything_else(client, lang, danger, crisis):
    with client.session_transaction() as session:  # a pending message must not push them down
        session["_flashes"] = [("info", "A message from an earlier page")]
    main = main_of(client.get(f"/{lang}/help?province=ON").get_data(as_text=True))
    assert main.lstrip().startswith('<section class="urgent"')
    urgent = main.split("</section>", 1)[0]
    assert danger in urgent and crisis in urgent
    assert urgent.index("911") < urgent.index("988")
    assert 'href="tel:911"' in urgent and 'href="tel:988"' in urgent and 'href="sms:988"' in urgent
    assert main.index("</section>") < main.index("A message from an earlier page") < main.index("<form")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_national_services_come_before_the_provinces(client, lang):
    main = main_of(client.get(f"/{lang}/help?province=ON").get_data(as_text=True))
    national = main.index('id="national-heading"')
    provincial = main.index('id="province-heading"')
    assert national < main.index("service-hope-for-wellness") < main.index("service-cmpa-physician-advisors") < provincial
    assert provincial < main.index("service-on-oma-php") < main.index("service-on-paro-helpline")
    assert "service-bc-php" not in main and "service-qc-pamq" not in main
    assert main.count('id="service-988-suicide-crisis-helpline"') == 0  # at the top, not repeated as a card


@pytest.mark.parametrize(("lang", "labels"), [
    ("en", ["Anywhere in Canada", "Alberta", "British Columbia", "Manitoba", "New Brunswick",
            "Newfoundland and Labrador", "Northwest Territories", "Nova Scotia", "Nunavut", "Ontario",
            "Prince Edward Island", "Quebec", "Saskatchewan", "Yukon"]),
    ("fr", ["Partout au Canada", "Alberta", "Colombie-Britannique", "Île-du-Prince-Édouard", "Manitoba",
            "Nouveau-Brunswick", "Nouvelle-Écosse", "Nunavut", "Ontario", "Québec", "Saskatchewan",
            "Terre-Neuve-et-Labrador", "Territoires du Nord-Ouest", "Yukon"]),
])
def test_the_filter_offers_anywhere_and_all_13_in_alphabetical_order(client, lang, labels):
    html = client.get(f"/{lang}/help").get_data(as_text=True)
    form = html.split('<form class="filters directory-filter"', 1)[1].split("</form>", 1)[0]
    assert 'method="get"' in form and f'action="/{lang}/help"' in form
    assert f'hx-get="/{lang}/help"' in form and 'hx-target="#directory-results"' in form
    assert 'hx-push-url="true"' in form and 'hx-indicator="#directory-loading"' in form
    options = re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', form)
    assert [label for _value, label in options] == labels
    assert sorted(value for value, _label in options) == sorted(["national", *PROVINCES])
    assert '<button type="submit"' in form


@pytest.mark.parametrize(("lang", "province", "heading", "status"), [
    ("en", "QC", "Quebec: physician health programs and other services",
     "Showing services across Canada, and services for Quebec."),
    ("fr", "QC", "Québec : programmes de santé des médecins et autres services",
     "Services affichés : ceux offerts partout au Canada, et ceux de la province ou du territoire choisi (Québec)."),
    ("en", "bc", "British Columbia: physician health programs and other services", "services for British Columbia."),
    ("fr", "NL", "Terre-Neuve-et-Labrador : programmes de santé des médecins et autres services",
     "(Terre-Neuve-et-Labrador)."),
])
def test_filtering_by_province_as_a_full_page(client, lang, province, heading, status):
    response = client.get(f"/{lang}/help?province={province}")
    html = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 200
    assert heading in html and status in html
    assert f'<option value="{province.upper()}" selected>' in html
    assert "HX-Request" in response.headers["Vary"]
    assert "<html" in html


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_filtering_by_province_as_an_htmx_fragment(client, lang):
    response = client.get(f"/{lang}/help?province=QC", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"] and "Cookie" in response.headers["Vary"]
    assert "<html" not in html and "<form" not in html and 'class="urgent"' not in html
    assert html.lstrip().startswith('<div id="directory-results"')
    assert "service-qc-pamq" in html and "service-qc-1-866-appelle" in html and "service-on-oma-php" not in html
    # Out of band: the live status line and the other-language link follow the new choice.
    assert re.search(r'<p id="directory-status" hx-swap-oob="innerHTML">[^<]*(Quebec|Québec)', html)
    other = "fr" if lang == "en" else "en"
    assert f'<a id="other-lang" href="/{other}/help?province=QC"' in html and 'hx-swap-oob="true"' in html


def test_a_history_restore_gets_the_full_page(client):
    response = client.get("/en/help?province=QC", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in response.get_data(as_text=True)


def test_the_full_page_keeps_the_live_status_region_outside_the_swapped_results(client):
    html = client.get("/en/help?province=NS").get_data(as_text=True)
    status = html.index('<p id="directory-status" class="directory-status" role="status" aria-live="polite">')
    assert status < html.index('<div id="directory-results"')
    assert 'id="province-heading" tabindex="-1"' in html  # where focus goes after a submit


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_anywhere_lists_national_services_and_links_to_each_province(client, lang):
    html = client.get(f"/{lang}/help?province=national").get_data(as_text=True)
    assert '<option value="national" selected>' in html
    for code in PROVINCES:
        assert f'href="/{lang}/help?province={code}"' in html
    assert "service-hope-for-wellness" in html and "service-on-oma-php" not in html


@pytest.mark.parametrize("province", ["YT", "NT", "NU", "PE", "NB", "NL"])
def test_provinces_without_a_program_say_so(client, province):
    html = client.get(f"/en/help?province={province}").get_data(as_text=True)
    assert "We have not yet found a physician health program with a phone number for this province or territory." in html
    assert "no territorial physician health program found" not in html  # placeholder entries are not cards


@pytest.mark.parametrize(("value", "shown"), [
    ("ZZ", "“ZZ”"),
    ("<script>alert(1)</script>", "“&lt;script&gt;alert(1)&lt;/script&gt;”"),
    ("O N", "“O N”"),
])
def test_an_unknown_province_is_ignored_with_a_message(client, value, shown):
    response = client.get("/en/help", query_string={"province": value})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"We did not recognise the province or territory {shown}, so we ignored it." in html
    assert "<script>alert" not in html
    assert '<option value="national" selected>' in html
    assert "help_province" not in response.headers.get("Set-Cookie", "")


def test_an_unknown_province_message_in_french(client):
    html = unescape_quotes(client.get("/fr/help?province=XY").get_data(as_text=True))
    assert "Nous n'avons pas reconnu la province ou le territoire « XY »; ce choix a été ignoré." in html


def test_an_unknown_province_falls_back_to_the_remembered_one(client):
    client.set_cookie("help_province", "MB")
    html = client.get("/en/help?province=Mars").get_data(as_text=True)
    assert "“Mars”" in html and '<option value="MB" selected>' in html


def test_a_visitors_choice_is_remembered_in_a_cookie(client):
    response = client.get("/en/help?province=NS")
    cookie = response.headers["Set-Cookie"]
    assert "help_province=NS" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    html = client.get("/fr/help").get_data(as_text=True)
    assert '<option value="NS" selected>' in html and "service-ns-doctors-ns-psp" in html
    client.get("/en/help?province=national")
    assert '<option value="national" selected>' in client.get("/en/help").get_data(as_text=True)


def test_a_bad_cookie_is_ignored_quietly(client):
    client.set_cookie("help_province", "<b>")
    html = client.get("/en/help").get_data(as_text=True)
    assert '<option value="national" selected>' in html and "did not recognise" not in html


def test_members_get_their_profile_province(client, make_user, login):
    login(make_user(province="QC"))
    client.set_cookie("help_province", "BC")
    response = client.get("/en/help")
    html = response.get_data(as_text=True)
    assert '<option value="QC" selected>' in html and "service-qc-pamq" in html
    assert response.headers["Cache-Control"] == "private, max-age=60"
    assert '<meta name="csrf-token"' in html
    # An explicit choice still wins.
    assert '<option value="AB" selected>' in client.get("/en/help?province=AB").get_data(as_text=True)


def test_a_member_without_a_province_falls_back_to_the_cookie(client, make_user, login):
    login(make_user(province=""))
    client.set_cookie("help_province", "SK")
    assert '<option value="SK" selected>' in client.get("/en/help").get_data(as_text=True)


def test_visitors_pages_never_touch_the_database(client, query_counter):
    for url in ("/en/help", "/fr/help?province=QC", "/en/help?province=ON", "/fr/help.txt?province=NB"):
        assert client.get(url).status_code == 200
    client.get("/en/help?province=NU", headers={"HX-Request": "true"})
    assert query_counter == []


def test_visitors_pages_are_cached_publicly_and_carry_no_session_token(client):
    client.set_cookie("help_province", "ON")
    response = client.get("/en/help?province=ON")
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert {"Cookie", "HX-Request"} <= set(response.vary)
    html = response.get_data(as_text=True)
    assert "csrf-token" not in html
    assert "session=" not in response.headers.get("Set-Cookie", "")
    assert client.get("/en/help").headers["Cache-Control"].startswith("private")  # chosen by cookie


def test_a_new_choice_is_not_cached_publicly(client):
    response = client.get("/en/help?province=PE")
    assert response.headers["Cache-Control"] == "private, max-age=60"


def test_hidden_entries_never_appear_anywhere(client):
    for lang in ("en", "fr"):
        for province in ["national", *PROVINCES]:
            for path in ("help", "help.txt"):
                text = client.get(f"/{lang}/{path}?province={province}").get_data(as_text=True)
                assert HIDDEN_NAME not in text and "Parlons suicide" not in text and HIDDEN_NUMBER not in text
                assert "talk-suicide-canada-legacy" not in text


def test_phone_links(client):
    html = client.get("/en/help?province=BC").get_data(as_text=True)
    assert '<a class="phone phone--urgent" href="tel:911">Call 911</a>' in html
    assert '<a class="phone phone--urgent" href="sms:988">Text 988</a>' in html
    assert '<a class="phone" href="tel:+18006686868">Call 1-800-668-6868 (toll-free)</a>' in html
    assert '<a class="phone" href="sms:686868">Text 686868</a>' in html
    assert '<a class="phone" href="tel:+16043984300">Call 604-398-4300</a>' in html
    fr = client.get("/fr/help").get_data(as_text=True)
    assert '<a class="phone" href="sms:686868">Envoyer un texto au 686868</a>' in fr
    assert '<a class="phone phone--urgent" href="tel:988">Appeler le 988</a>' in fr


def test_each_entry_shows_its_facts(client):
    html = client.get("/en/help?province=ON").get_data(as_text=True)
    card = html.split('id="service-on-oma-php"', 1)[1].split("</article>", 1)[0]
    assert "Physician health program: confidential help" in card
    assert "<dt>Who can use it</dt><dd>Physicians, residents and medical students in Ontario" in card
    assert '<a href="https://php.oma.org">php.oma.org</a>' in card
    assert "<dt>Hours</dt><dd>Monday to Friday, 8:45\u202fa.m. to 5:00\u202fp.m. ET</dd>" in card
    assert "<dt>Languages</dt><dd>Not stated in our sources</dd>" in card
    assert "Not yet verified by staff" in card
    hope = html.split('id="service-hope-for-wellness"', 1)[1].split("</article>", 1)[0]
    assert "English, French, Cree (on request), Ojibwa (on request), Inuktitut (on request)" in hope
    assert "<dt>Hours</dt><dd>24 hours a day, 7 days a week</dd>" in hope


def test_french_falls_back_to_english_marked_lang_en(client):
    html = unescape_quotes(client.get("/fr/help?province=MB").get_data(as_text=True))
    assert '<h3 class="service__name" id="service-mb-cpsm-php-name"><span lang="en">CPSM Physician Health Program' in html
    assert '<h3 class="service__name" id="service-hope-for-wellness-name">Ligne d\'écoute d\'espoir' in html
    assert '<dt>Qui peut y faire appel</dt><dd><span lang="en">All Doctors Manitoba members' in html
    assert '<span class="phone__note"><span lang="en">1-844-433-DRMB' in html
    assert "<dd>anglais, <span lang=\"en\">200+ languages via provider" in html
    assert "<dt>Heures d'ouverture</dt><dd>24 heures sur 24, 7 jours sur 7</dd>" in html
    assert "Lié à l'ordre professionnel" in html  # the regulator's own program says so
    cmpa = client.get("/fr/help").get_data(as_text=True).split('id="service-cmpa-physician-advisors"', 1)[1]
    assert "De 08 h 30 à 16 h 30 HE (jours non confirmés)" in cmpa.split("</article>", 1)[0]
    assert '<span lang="en">' not in client.get("/en/help?province=MB").get_data(as_text=True)


def test_verified_dates_badges_and_escaping_with_synthetic_data(directory_app):
    app = directory_app(
        entry(id="evil", name_en='<script>alert("x")</script> & Co', name_fr="", scope=["ON"],
              eligibility="<b>Anyone</b>", phones=[{"number": "1-800-555-0199", "kind": "voice",
                                                     "note": "<img src=x onerror=alert(1)>"}],
              languages=[{"note": "<i>many</i>"}], verified_on="2026-11-20",
              hours={"text": "<em>always</em>", "machine": None}),
        entry(id="always", name_en="Always line", scope=["ON"]),
    )
    client = app.test_client()
    html = client.get("/en/help?province=ON").get_data(as_text=True)
    assert "<script>alert" not in html and "<b>Anyone" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "&lt;i&gt;many&lt;/i&gt;" in html
    evil = html.split('id="service-evil"', 1)[1].split("</article>", 1)[0]
    assert "Last verified by staff on November 20, 2026" in evil
    assert "Open now" not in evil and "Closed now" not in evil  # unknown hours: no claim either way
    assert "&lt;em&gt;always&lt;/em&gt;" in evil
    always = html.split('id="service-always"', 1)[1].split("</article>", 1)[0]
    assert '<p class="service__state badge badge--open">Open now</p>' in always
    fr = client.get("/fr/help?province=ON").get_data(as_text=True)
    assert "Dernière vérification par notre équipe le 20 novembre 2026" in fr
    assert '<span lang="en">&lt;script&gt;' in fr
    text = client.get("/en/help.txt?province=ON").get_data(as_text=True)
    assert '<script>alert("x")</script> & Co' in text  # plain text, served as text/plain with nosniff


def test_error_pages_carry_the_crisis_line(app, client):
    @app.get("/en/boom")
    def boom():
        raise RuntimeError("boom")

    app.testing = False  # let the error handler answer, as in production
    app.config["PROPAGATE_EXCEPTIONS"] = False
    for path, code in (("/en/nowhere", 404), ("/en/boom", 500), ("/fr/nulle-part", 404)):
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == code
        assert "988" in html and "911" in html and "/help" in html


def test_a_response_that_sets_the_session_cookie_is_never_public(client):
    client.get("/en/sessions")  # the layout's CSRF token starts a session
    client.set_cookie("help_province", "ON")
    response = client.get("/en/help?province=ON")
    cookies = " ".join(response.headers.getlist("Set-Cookie"))
    if "session=" in cookies:
        assert response.headers["Cache-Control"].startswith("private")
    else:
        assert response.headers["Cache-Control"] == "public, max-age=300"


@pytest.mark.parametrize("province", ["national", *PROVINCES])
def test_the_page_stays_light(client, province):
    html = client.get(f"/en/help?province={province}").get_data()
    assert len(html) < 20_000
    text = html.decode()
    subresources = re.findall(r'<(?:link|script)[^>]+(?:href|src)="([^"]+)"', text)
    assert subresources == ["/static/css/portal.css", "/static/css/print.css", "/static/favicon.svg",
                            "/static/vendor/htmx.min.js", "/static/js/portal.js"]
