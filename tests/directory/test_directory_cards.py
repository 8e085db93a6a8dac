"""Each entry's card: hidden entries, phone links, facts, English fallbacks, escaping; error pages' crisis line."""
from __future__ import annotations

import pytest

from directory_entries import card_of, entry, unescape_quotes
from portal.i18n import PROVINCES

HIDDEN_NAME = "Talk Suicide Canada"
HIDDEN_NUMBER = "1-833-456-4566"


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
    assert '<a class="phone" href="tel:+18006686868">Call <span class="nowrap">1-800-668-6868</span> (toll-free)</a>' in html
    assert '<a class="phone" href="sms:686868">Text 686868</a>' in html
    assert '<a class="phone" href="tel:+16043984300">Call <span class="nowrap">604-398-4300</span></a>' in html
    fr = client.get("/fr/help").get_data(as_text=True)
    assert '<a class="phone" href="sms:686868">Envoyer un texto au 686868</a>' in fr
    assert '<a class="phone phone--urgent" href="tel:988">Appeler le 988</a>' in fr


def test_each_entry_shows_its_facts(client):
    html = client.get("/en/help?province=ON").get_data(as_text=True)
    card = card_of(html, "on-oma-php")
    assert "Physician health program: confidential help" in card
    assert "<dt>Who can use it</dt><dd>Physicians, residents and medical students in Ontario" in card
    assert '<a href="https://php.oma.org">php.oma.org</a>' in card
    assert "<dt>Hours</dt><dd>Monday to Friday, 8:45\u202fa.m. to 5:00\u202fp.m. ET</dd>" in card
    assert "<dt>Languages</dt><dd>Not stated in our sources</dd>" in card
    assert "Not yet verified by staff" in card
    hope = card_of(html, "hope-for-wellness")
    assert "English, French, Cree (on request), Ojibwa (on request), Inuktitut (on request)" in hope
    assert "<dt>Hours</dt><dd>24 hours a day, 7 days a week</dd>" in hope
    bc = card_of(client.get("/en/help?province=BC").get_data(as_text=True), "bc-php")
    assert "<dt>Run by</dt><dd>Doctors of BC</dd>" in bc
    bc_fr = card_of(client.get("/fr/help?province=BC").get_data(as_text=True), "bc-php")
    assert '<dt>Offert par</dt><dd><span lang="en">Doctors of BC</span></dd>' in bc_fr


def test_french_pages_show_the_french_data_and_english_names_marked_lang_en(client):
    html = unescape_quotes(client.get("/fr/help?province=MB").get_data(as_text=True))
    assert '<h3 class="service__name" id="service-mb-cpsm-php-name"><span lang="en">CPSM Physician Health Program' in html
    assert '<h3 class="service__name" id="service-hope-for-wellness-name">Ligne d\'écoute d\'espoir' in html
    assert '<dt>Qui peut y faire appel</dt><dd>Les membres de Doctors Manitoba (étudiantes et étudiants' in html
    assert '<span class="phone__note">1-844-433-DRMB; 24\u00a0h sur 24, 7 jours sur 7; réponse par' in html
    assert "<dd>anglais, plus de 200 langues par l'entremise du fournisseur" in html
    assert "<dt>Heures d'ouverture</dt><dd>24 heures sur 24, 7 jours sur 7</dd>" in html
    assert "All Doctors Manitoba members" not in html and "200+ languages" not in html
    cmpa = card_of(client.get("/fr/help").get_data(as_text=True), "cmpa-physician-advisors")
    assert "De 8\u00a0h\u00a030 à 16\u00a0h\u00a030\u00a0(HE) (jours non confirmés)" in cmpa
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
    evil = card_of(html, "evil")
    assert "Last verified by staff on November 20, 2026" in evil
    assert "Open now" not in evil and "Closed now" not in evil  # unknown hours: no claim either way
    assert "&lt;em&gt;always&lt;/em&gt;" in evil
    always = card_of(html, "always")
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
