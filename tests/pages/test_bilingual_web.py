"""Bilingual web conventions (issue 15): <html lang="en-CA|fr-CA">, hreflang alternates to the same page in both
languages on every page, a sitemap listing both languages, and robots.txt / X-Robots-Tag keeping staff, account
and token URLs out of search indexes."""
from __future__ import annotations

import re
from xml.etree import ElementTree

from quality.pages import PAGES
from tests.quality.test_html_validity import collect_documents

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def _alternates(html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([a-z]{2}-CA)" href="([^"]+)">', html))


def test_every_page_names_its_language_and_links_both(quality_site):
    documents = collect_documents(quality_site)
    pages = {name: html for name, html in documents.items() if name.startswith("page-")}
    assert len(pages) == 2 * len(PAGES)
    base = quality_site.app.config["PORTAL_BASE_URL"].rstrip("/")
    for name, html in pages.items():
        lang = name.rsplit("-", 1)[1]
        assert f'<html lang="{lang}-CA">' in html, name
        alternates = _alternates(html)
        assert set(alternates) == {"en-CA", "fr-CA"}, name
        assert alternates["en-CA"].startswith(base + "/en/") and alternates["fr-CA"].startswith(base + "/fr/"), name
        assert alternates["en-CA"][len(base) + 3:] == alternates["fr-CA"][len(base) + 3:], name  # the same page
        other = "fr" if lang == "en" else "en"
        assert f'hreflang="{other}-CA"' in html.split('id="other-lang"', 1)[1].split(">", 1)[0], name


def test_alternates_keep_the_query(client):
    html = client.get("/fr/help?province=QC").get_data(as_text=True)
    assert _alternates(html) == {"en-CA": "http://127.0.0.1:5000/en/help?province=QC",
                                 "fr-CA": "http://127.0.0.1:5000/fr/help?province=QC"}


def test_the_sitemap_lists_public_pages_in_both_languages(client, make_session):
    session = make_session()
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = ElementTree.fromstring(response.data)
    urls = {url.find(f"{SITEMAP}loc").text: {link.get("hreflang"): link.get("href")
                                             for link in url.findall(f"{XHTML}link")} for url in root}
    base = "http://127.0.0.1:5000"
    for path in ("/", "/sessions", "/faq", "/help", f"/sessions/{session.id}"):
        english, french = f"{base}/en{path}", f"{base}/fr{path}"
        assert urls[english] == urls[french] == {"en-CA": english, "fr-CA": french}
    assert not [url for url in urls if "/staff" in url or "/account" in url or "/surveys" in url]


def test_robots_keeps_staff_account_and_token_urls_out(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    for prefix in ("/en/staff", "/fr/staff", "/en/account", "/fr/account", "/en/surveys", "/fr/surveys", "/calendar/"):
        assert f"Disallow: {prefix}" in lines
    assert "Sitemap: http://127.0.0.1:5000/sitemap.xml" in lines
    assert not [line for line in lines if line.startswith("Disallow:") and
                line.split(": ", 1)[1] in ("/", "/en/", "/fr/", "/en/sessions", "/fr/help")]


def test_private_pages_say_noindex_and_public_pages_do_not(client):
    for path in ("/en/account/login", "/fr/account/signup", "/fr/account/verify/abc", "/en/surveys/abc",
                 "/calendar/abc.ics", "/fr/staff"):
        assert client.get(path).headers.get("X-Robots-Tag") == "noindex, nofollow", path
    for path in ("/en/", "/fr/sessions", "/fr/help", "/en/faq", "/sitemap.xml"):
        assert "X-Robots-Tag" not in client.get(path).headers, path
