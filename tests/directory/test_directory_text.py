"""/<lang>/help.txt: the same listing as plain text to paste into a message, in the page's language."""
from __future__ import annotations

import pytest


def test_plain_text_in_english(client):
    response = client.get("/en/help.txt?province=ON")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "HX-Request" in response.vary and "Cookie" in response.vary
    text = response.get_data(as_text=True)
    lines = text.splitlines()
    assert lines[0] == "Get help now - Wellness Connection"
    assert lines[2] == "If you are in immediate danger, call 911 or go to the nearest emergency department."
    assert lines[3].startswith("If you are thinking about suicide") and "call or text 988" in lines[3]
    assert "  Call 988" in lines and "  Text 988" in lines
    assert "== Other services across Canada ==" in lines
    assert "== Ontario: physician health programs and other services ==" in lines
    assert text.index("Other services across Canada") < text.index("OMA Physician Health Program")
    assert "  Call 1-800-851-6606 (toll-free) - Confidential toll-free line (in-province)" in lines
    assert "  Hours: Monday to Friday, 8:45\u202fa.m. to 5:00\u202fp.m. ET" in lines
    assert "  Website: https://php.oma.org" in lines
    assert "  Not yet verified by staff" in lines
    assert lines[-1] == "Source: http://127.0.0.1:5000/en/help?province=ON"
    assert "<" not in text and "&#" not in text and "&amp;" not in text


def test_plain_text_in_french(client):
    text = client.get("/fr/help.txt?province=QC").get_data(as_text=True)
    lines = text.splitlines()
    assert lines[0] == "Obtenir de l'aide maintenant - Connexion bien-être"
    assert lines[2] == "Si vous êtes en danger immédiat, composez le 911 ou rendez-vous au service d'urgence le plus proche."
    assert "  Envoyer un texto au 988" in lines
    assert "== Québec\u00a0: programmes de santé des médecins et autres services ==" in lines
    assert "Programme d'aide aux médecins du Québec (PAMQ)" in lines
    assert "  Heures d'ouverture\u00a0: 24 heures sur 24, 7 jours sur 7" in lines
    assert "  Langues\u00a0: français" in lines
    assert lines[-1] == "Source\u00a0: http://127.0.0.1:5000/fr/help?province=QC"


@pytest.mark.parametrize(("query", "heading"), [
    ("", "== Physician health programs =="),
    ("?province=national", "== Physician health programs =="),
    ("?province=YT", "== Yukon: physician health programs and other services =="),
])
def test_plain_text_follows_the_same_filter(client, query, heading):
    text = client.get(f"/en/help.txt{query}").get_data(as_text=True)
    assert heading in text.splitlines()


def test_plain_text_uses_the_remembered_province(client):
    client.get("/en/help?province=MB")
    assert "== Manitoba: physician health programs and other services ==" in client.get("/en/help.txt").get_data(
        as_text=True)


def test_plain_text_reports_an_ignored_province(client):
    text = client.get("/en/help.txt?province=XX").get_data(as_text=True)
    assert "We did not recognise the province or territory in the link, so we ignored it." in text
    assert "XX" not in text


def test_the_page_links_to_its_plain_text_version(client):
    html = client.get("/fr/help?province=SK").get_data(as_text=True)
    assert '<a href="/fr/help.txt?province=SK">Version texte, à copier dans un message</a>' in html
