"""French pages read French: every displayed entry has French for each field a person reads (issue 15)."""
from __future__ import annotations

import re

import pytest

from directory_entries import card_of, entry, main_of, unescape_quotes
from portal.directory.display import french_gaps
from portal.directory.loader import DEFAULT_FILE, load_directory
from portal.directory.schema import Service
from portal.i18n import PROVINCES

# Proper names are not translated (no invented French name); these are the only English left on French pages.
NAME_FIELDS = ("name_en",)


def test_every_displayed_entry_has_french_for_each_field_that_has_english():
    directory = load_directory(DEFAULT_FILE)
    gaps = {service.id: french_gaps(service) for service in directory.services}
    assert {service_id: fields for service_id, fields in gaps.items() if fields} == {}


@pytest.mark.parametrize(("fields", "gap"), [
    ({"eligibility_fr": ""}, "eligibility_fr"),
    ({"phones": [{"number": "988", "kind": "text", "note": "Text CONNECT"}]}, "phones[0].note_fr"),
    ({"hours": {"text": "Business hours", "machine": None}}, "hours.text_fr"),
    ({"languages": [{"code": "fr", "note": "website only"}]}, "languages[0].note_fr"),
    ({"purpose": "none_found", "name_fr": "", "phones": [], "eligibility": ""}, "name_fr"),
])
def test_the_check_names_each_missing_french_field(fields, gap):
    complete = entry(eligibility_fr="Toute personne.", phones=[], hours={"text": "", "machine": "24/7"})
    service = Service.model_validate({**complete, **fields})
    assert gap in french_gaps(service)
    assert french_gaps(Service.model_validate(complete)) == []


def _english_spans(html: str) -> list[str]:
    return re.findall(r'<span lang="en">([^<]*)</span>', html)


@pytest.mark.parametrize("province", ["national", *PROVINCES])
def test_french_pages_show_english_only_for_proper_names(client, province):
    directory = load_directory(DEFAULT_FILE)
    names = {s.name_en for s in directory.services} | {s.organization.name_en for s in directory.services
                                                     if s.organization}
    main = unescape_quotes(main_of(client.get(f"/fr/help?province={province}").get_data(as_text=True)))
    assert [text for text in _english_spans(main) if text not in names] == []
    text = client.get(f"/fr/help.txt?province={province}").get_data(as_text=True)
    for service in directory.services:
        for phone in service.phones:
            assert phone.note not in text or not phone.note  # help.txt used to print the English note


def test_quebec_program_in_french_with_its_call_back_explained_in_both_languages(client):
    fr = unescape_quotes(card_of(client.get("/fr/help?province=QC").get_data(as_text=True), "qc-pamq"))
    assert "la réception note vos coordonnées, puis un médecin-conseil vous rappelle" in fr
    assert "Business hours" not in fr and "receptionist" not in fr
    assert ("Ce service vous rappelle plus tard\u00a0: ce n'est pas une ligne de crise. Pour parler à quelqu'un "
            "maintenant, appelez ou textez le 988. En cas de danger immédiat, composez le 911.") in fr
    en = unescape_quotes(card_of(client.get("/en/help?province=QC").get_data(as_text=True), "qc-pamq"))
    assert ("This service calls you back later: it is not a crisis line. To talk to someone now, call or text 988. "
            "In immediate danger, call 911.") in en
    crisis = card_of(client.get("/en/help?province=QC").get_data(as_text=True), "qc-1-866-appelle")
    assert "not a crisis line" not in crisis  # only services that call back say so


def test_kids_help_phone_says_which_word_to_text_in_french(client):
    card = unescape_quotes(card_of(client.get("/fr/help").get_data(as_text=True), "kids-help-phone"))
    assert "Envoyez le mot CONNECT par texto" in card
    assert "older pages" not in card


@pytest.mark.parametrize(("lang", "official", "caution"), [
    ("en", "Official national number", "Not yet verified by staff"),
    ("fr", "Numéro national officiel", "Pas encore vérifié par notre équipe"),
])
def test_911_and_988_are_official_numbers_and_other_entries_keep_the_caution(client, lang, official, caution):
    main = main_of(client.get(f"/{lang}/help?province=ON").get_data(as_text=True))
    urgent = main.split("</section>", 1)[0]
    assert official in urgent and caution not in urgent
    assert caution in card_of(main, "on-oma-php") and official not in card_of(main, "on-oma-php")
    text = client.get(f"/{lang}/help.txt?province=ON").get_data(as_text=True)
    assert caution in text


def test_an_entry_without_french_still_falls_back_to_english_marked_lang_en(directory_app):
    app = directory_app(entry(id="bare", name_en="Bare line", name_fr="", scope=["ON"], eligibility="Anyone.",
                              phones=[{"number": "1-800-555-0100", "kind": "tollfree", "note": "Main line"}],
                              hours={"text": "Weekdays", "machine": None}, languages=[{"note": "many"}]))
    card = unescape_quotes(card_of(app.test_client().get("/fr/help?province=ON").get_data(as_text=True), "bare"))
    assert _english_spans(card) == ["Bare line", "Anyone.", "Main line", "Weekdays", "many"]
