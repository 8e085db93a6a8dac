"""'Support a colleague' (issue 16): public, in both languages, with the crisis lines and programs taken from the
directory through the same province choice as /help, every factual section sourced, and linked from the places a
worried physician would look."""
from __future__ import annotations

import re

import pytest
import yaml

from portal.directory.loader import DEFAULT_FILE
from portal.i18n import LANGUAGES, PROVINCES

TITLES = {"en": "Support a colleague", "fr": "Soutenir une ou un collègue"}
# Anything that reads as a phone number: 604-398-4300, 1-800-663-6729, (514) 555-1234, and the three-digit
# numbers of Canada's N11 services (811, 911...) and 988. Other short numbers ("200 languages") are not numbers to call.
PHONE_TEXT = re.compile(r"(?<![\w/.-])(?:1[-. ])?(?:\(\d{3}\)\s?|\d{3}[-. ])\d{3}[-. ]\d{4}(?![\w-])"
                        r"|(?<![\w/.:-])(?:[2-9]11|988)(?!\w|[-/:]|\.\d)")


def _digits(number: str) -> str:
    """A number's digits, with the 1 of North American long distance (604-398-4300 and +16043984300 match)."""
    digits = re.sub(r"\D", "", number)
    return "1" + digits if len(digits) == 10 else digits


def _directory_numbers() -> set[str]:
    raw = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))
    return {_digits(phone["number"]) for entry in raw for phone in entry.get("phones", [])}


def _visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html.split("<main", 1)[1].split("</main>", 1)[0])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_is_public_in_both_languages(client, lang):
    response = client.get(f"/{lang}/support-a-colleague")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<html lang="{lang}-CA">' in html and f"<h1>{TITLES[lang]}</h1>" in html
    assert f'href="/{"fr" if lang == "en" else "en"}/support-a-colleague"' in html, "the other language's page"
    for section in ("signs", "conversation", "say", "refer", "yourself", "resources"):
        assert f'<section id="{section}"' in html


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ("not medical advice", "not a crisis service")),
    ("fr", ("pas un avis médical", "ni un service d'aide en\n  situation de crise")),
])
def test_it_says_it_is_not_medical_advice_nor_a_crisis_service(client, lang, words):
    html = client.get(f"/{lang}/support-a-colleague").get_data(as_text=True)
    for phrase in words:
        assert phrase in html.replace("&#39;", "'")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_prose_section_cites_its_sources_with_visible_links(client, lang):
    html = client.get(f"/{lang}/support-a-colleague").get_data(as_text=True)
    for section in ("signs", "conversation", "say", "yourself"):
        body = html.split(f'<section id="{section}"', 1)[1].split("</section>", 1)[0]
        sources = body.split('<p class="sources">', 1)[1].split("</p>", 1)[0]
        assert re.search(r'<a href="https://[^"]+"[^>]*>[^<]+</a>', sources), section
    conversation = html.split('<section id="conversation"', 1)[1].split("</section>", 1)[0]
    assert "https://doi.org/10.1017/S0033291714001299" in conversation, "the claim about asking directly is cited"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("province", ["national", *PROVINCES])
def test_every_phone_number_on_the_page_is_in_the_directory_file(client, lang, province):
    html = client.get(f"/{lang}/support-a-colleague?province={province}").get_data(as_text=True)
    known = _directory_numbers()
    linked = {_digits(href) for href in re.findall(r'href="(?:tel|sms):([^"]+)"', html)}
    written = {_digits(number) for number in PHONE_TEXT.findall(_visible_text(html))}
    assert {"911", "988"} <= linked
    assert linked <= known, f"numbers linked but not in data/directory.yaml: {linked - known}"
    assert written <= known, f"numbers written but not in data/directory.yaml: {written - known}"


def test_the_number_check_catches_a_number_that_is_not_in_the_directory():
    text = _visible_text("<main><p>Call 1-888-555-0199 or 811.</p></main>")
    assert {_digits(n) for n in PHONE_TEXT.findall(text)} - _directory_numbers() == {"18885550199", "811"}


def test_the_province_program_comes_from_the_directory(client):
    html = client.get("/fr/support-a-colleague?province=QC").get_data(as_text=True)
    assert 'id="service-qc-pamq"' in html
    assert '<option value="QC" selected>' in html
    assert 'href="/fr/help?province=QC"' in html


def test_the_province_choice_is_the_one_of_the_help_page(client):
    """A province chosen on /help (remembered in its cookie) is the one this page shows, and the other way round."""
    client.get("/en/help?province=NS")
    assert 'id="service-ns-doctors-ns-psp"' in client.get("/en/support-a-colleague").get_data(as_text=True)
    client.get("/en/support-a-colleague?province=BC")
    assert '<option value="BC" selected>' in client.get("/en/help").get_data(as_text=True)


def test_a_member_sees_the_program_of_their_profile(client, make_user, login):
    login(make_user(province="MB"))
    html = client.get("/en/support-a-colleague").get_data(as_text=True)
    assert '<option value="MB" selected>' in html


def test_an_unknown_province_is_not_echoed(client):
    html = client.get("/en/support-a-colleague?province=URGENT-call-555").get_data(as_text=True)
    assert "URGENT" not in _visible_text(html)
    assert '<option value="national" selected>' in html


def test_the_cmpa_advisors_come_from_the_directory_with_their_sources(client):
    html = client.get("/en/support-a-colleague").get_data(as_text=True)
    resources = html.split('<section id="resources"', 1)[1]
    assert 'id="service-cmpa-physician-advisors"' in resources
    assert 'href="tel:+18002676522"' in resources
    assert '<a href="https://www.cmpa-acpm.ca/en/advice-publications/physician-wellness">' in resources


def test_visitors_get_a_public_copy_without_a_session_token(client):
    response = client.get("/en/support-a-colleague")
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert 'name="csrf-token"' not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/en/", "/fr/help", "/en/faq", "/fr/faq", "/en/sessions", "/fr/no-such-page"])
def test_linked_from_home_help_faq_and_every_footer(client, path):
    html = client.get(path).get_data(as_text=True)
    lang = path.split("/")[1]
    footer = html.split('<footer class="site-footer">', 1)[1]
    assert f'href="/{lang}/support-a-colleague"' in footer
    if path in ("/en/", "/fr/help", "/en/faq", "/fr/faq"):
        main = html.split("<main", 1)[1].split("</main>", 1)[0]
        assert f'href="/{lang}/support-a-colleague"' in main


def test_linked_from_the_gratitude_space(client, make_user, login):
    login(make_user())
    html = client.get("/en/gratitude").get_data(as_text=True)
    assert 'href="/en/support-a-colleague"' in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_print_stylesheet_covers_the_page():
    from portal.config import ROOT

    css = (ROOT / "static" / "css" / "print.css").read_text(encoding="utf-8")
    assert ".support-page .directory-filter" in css and 'attr(href)' in css
