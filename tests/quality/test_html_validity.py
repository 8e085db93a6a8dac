"""Every page (both languages) and every htmx fragment passes the W3C Nu HTML checker with zero errors, and the
stylesheets pass its CSS checker. One Java run checks everything: it is slow to start."""
from __future__ import annotations

import pytest

from portal.config import ROOT
from quality import nu
from quality.pages import FRAGMENTS, PAGES, in_every_language
from quality.signin import submit_with_client

pytestmark = pytest.mark.slow

# Proof that the checker runs and that the filter drops only hx-* attribute errors.
KNOWN_BAD = '<!DOCTYPE html><html lang="en"><head><title>bad</title></head><body><p><b>unclosed</p></body></html>'
HTMX_ONLY = ('<!DOCTYPE html><html lang="en"><head><title>htmx</title></head><body>'
             '<form hx-get="/en/sessions" hx-trigger="change"></form></body></html>')


def collect_documents(site) -> dict[str, str]:
    """The served HTML of every page spec and fragment spec (signed in as the spec's role), named for the report."""
    documents = {}
    for spec, lang in in_every_language(PAGES):
        path = spec.url_path(lang, site.sample)
        if spec.submit:
            response = submit_with_client(site.client(spec.role), path, spec.submit.action_path(lang, site.sample),
                                          dict(spec.submit.fields))
        else:
            response = site.client(spec.role).get(path, follow_redirects=True)
        assert response.status_code == spec.status, spec.name
        assert response.request.path != f"/{lang}/account/login" or spec.role is None, f"{spec.name}: signed out"
        documents[f"page-{spec.name}-{lang}"] = response.get_data(as_text=True)
    for spec, lang in in_every_language(FRAGMENTS):
        response = site.client(spec.role).get(spec.url_path(lang, site.sample), headers={"HX-Request": "true"})
        html = response.get_data(as_text=True)
        assert response.status_code == spec.status and "<html" not in html, spec.name
        documents[f"fragment-{spec.name}-{lang}"] = nu.wrap_fragment(html, lang)
    return documents


def test_every_page_and_fragment_is_valid_html(quality_site, nu_checker, tmp_path):
    documents = collect_documents(quality_site)
    stylesheets = sorted((ROOT / "static" / "css").glob("*.css"))
    errors = nu.check({**documents, "known-bad": KNOWN_BAD, "htmx-only": HTMX_ONLY}, tmp_path,
                      stylesheets=stylesheets)
    assert errors.pop("known-bad"), "the checker found nothing in a broken document: is it running?"
    assert errors.pop("htmx-only") == [], "only hx-* attribute errors may be filtered out"
    found = {name: messages for name, messages in errors.items() if messages}
    assert not found, found
    assert len(documents) == 2 * (len(PAGES) + len(FRAGMENTS))
