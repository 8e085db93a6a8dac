"""/<lang>/help: crisis lines first, then the province filter (GET form + htmx) and the two sections."""
from __future__ import annotations

import re

import pytest

from directory_entries import main_of, unescape_quotes
from portal.i18n import PROVINCES


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
    ("fr", "QC", "Québec\u00a0: programmes de santé des médecins et autres services",
     "Services affichés\u00a0: ceux offerts partout au Canada, et ceux de la province ou du territoire choisi (Québec)."),
    ("en", "bc", "British Columbia: physician health programs and other services", "services for British Columbia."),
    ("fr", "NL", "Terre-Neuve-et-Labrador\u00a0: programmes de santé des médecins et autres services",
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
    assert re.search(r'data-announce="[^"]*(Quebec|Québec)', html)
    # Out of band: the other-language link follows the new choice.
    other = "fr" if lang == "en" else "en"
    assert f'<a id="other-lang" href="/{other}/help?province=QC"' in html and 'hx-swap-oob="true"' in html


def test_a_history_restore_gets_the_full_page(client):
    response = client.get("/en/help?province=QC", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in response.get_data(as_text=True)


def test_the_results_carry_their_summary_for_the_announcer(client):
    html = client.get("/en/help?province=NS").get_data(as_text=True)
    assert html.count('id="announcer"') == 1 and html.index('id="announcer"') > html.index('id="directory-results"')
    summary = "Showing services across Canada, and services for Nova Scotia."
    assert f'data-announce="{summary}"' in html
    assert f'<p id="directory-status" class="directory-status">{summary}</p>' in html
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


@pytest.mark.parametrize("value", ["ZZ", "<script>alert(1)</script>", "O N", "\x00\x1bZZ\u202e", "A" * 500,
                                   "ON. URGENT: the 988 line is down, call 555-0100", "QC%20appelez le 555"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_an_unknown_province_is_ignored_with_a_message_that_never_repeats_it(client, value, lang):
    """Text from a link never speaks on the crisis page: the message says a value was ignored, not what it was."""
    for path in (f"/{lang}/help", f"/{lang}/help.txt"):
        response = client.get(path, query_string={"province": value})
        body = response.get_data(as_text=True)
        assert response.status_code == 200
        said = {"en": "We did not recognise the province or territory in the link, so we ignored it.",
                "fr": "Nous n'avons pas reconnu la province ou le territoire indiqué dans le lien\u00a0: nous n'en avons pas tenu compte."}[lang]
        assert said in body.replace("&#39;", "'")
        shown = re.sub(r"<[^>]+>", " ", body)  # what a reader sees (the language link may carry the query on)
        for fragment in ("ZZ", "alert", "O N", "AAAA", "URGENT", "555"):
            assert fragment not in shown, (fragment, path)
        assert "<script>alert" not in body
        assert "help_province" not in response.headers.get("Set-Cookie", "")
        if path.endswith("/help"):
            assert '<option value="national" selected>' in body


def test_control_characters_alone_count_as_no_choice(client):
    html = client.get("/en/help", query_string={"province": "\x00\t"}).get_data(as_text=True)
    assert "did not recognise" not in html and '<option value="national" selected>' in html


@pytest.mark.parametrize("path", ["/en/help", "/fr/help", "/en/help.txt", "/fr/help.txt"])
@pytest.mark.parametrize("province", ["national", "ON", "NS", "SK", "NL", "YT", "NU"])
def test_the_unconfirmed_cma_wellness_support_line_is_never_shown(client, path, province):
    """Its current status could not be confirmed (data/directory.yaml: display false, the team's decision): it is
    listed on no page, in no province where it was said to run, in neither language. (Other entries' hours may
    still say, as history, that it existed in 2020.)"""
    response = client.get(f"{path}?province={province}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "988" in page
    assert "service-cma-wellness-support-line" not in page and "cma.ca/supportline" not in page
    assert not re.search(r"^(CMA Wellness Support Line|Ligne SOS bien-être de l'AMC)$", page, re.MULTILINE)

