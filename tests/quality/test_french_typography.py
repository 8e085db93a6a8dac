"""Every French page of the quality harness (quality/pages.py, every role and state) and every French email reads
with French typography: no ordinary space before ":" or inside « », none before ";", "?" or "!" (issue 15)."""
from __future__ import annotations

import pytest
from flask import render_template
from flask_babel import force_locale
from jinja2 import ChainableUndefined

from portal.config import ROOT
from quality.pages import PAGES
from quality.typography import french_spacing_problems, visible_text
from tests.quality.test_html_validity import collect_documents


@pytest.mark.parametrize(("text", "found"), [
    ("Raison : spam", True), ("Raison\u00a0: spam", False), ("Raison: spam", True), ("https://zoom.us", False),
    ("« titre »", True), ("«\u00a0titre\u00a0»", False), ("Vraiment ?", True), ("Vraiment?", False),
    ("déjà ; puis", True), ("19 h", True), ("19\u00a0h", False), ("50 %", True), ("19:00", False),
])
def test_the_check_finds_each_kind_of_problem(text, found):
    assert bool(french_spacing_problems(text)) is found


def test_english_marked_text_and_scripts_are_not_read():
    html = ('<p title="Titre\u00a0: ok">A<span lang="en">Note: English</span> <img alt="x : y">'
            '<script>a ? b : c</script></p>')
    text = visible_text(html)
    assert "English" not in text and "a ? b" not in text and "Titre\u00a0: ok" in text
    (problem,) = french_spacing_problems(text)
    assert "x : y" in problem


def test_every_french_page_follows_french_spacing(quality_site):
    documents = collect_documents(quality_site)
    french = {name: html for name, html in documents.items() if name.endswith("-fr")}
    assert len(french) == len(PAGES) + len([n for n in documents if n.startswith("fragment-")]) // 2
    found = {name: problems for name, html in french.items() if (problems := french_spacing_problems(visible_text(html)))}
    assert found == {}


def _email_templates() -> list[str]:
    return sorted(path.name for path in (ROOT / "templates" / "email").glob("*.*")
                  if path.suffix in (".txt", ".html") and not path.name.startswith("_") and path.stem != "base")


def _filled(truthy: bool):
    class Filled(ChainableUndefined):
        """Any variable the template reads: a short French word (truthy) or nothing (falsy)."""

        def __str__(self):
            return "Titre" if truthy else ""

        def __html__(self):
            return str(self)

        def __bool__(self):
            return truthy

        def __int__(self):
            return 3
    return Filled


@pytest.mark.parametrize("truthy", [True, False])
def test_every_french_email_template_follows_french_spacing(app, truthy, monkeypatch):
    """Each email template, rendered in French with every variable set (then every variable empty), so both sides
    of each {% if %} are read; real composed emails are checked in tests/registrations/test_composed_emails.py."""
    monkeypatch.setattr(app.jinja_env, "undefined", _filled(truthy))
    found = {}
    with app.test_request_context("/fr/"), force_locale("fr_CA"):
        app.preprocess_request()
        for name in _email_templates():
            text_value = "Un texte." if truthy else ""
            rendered = render_template(f"email/{name}", lang="fr", position=3, minutes=90, hours=48, count=2,
                                       note=text_value, body=text_value, story=text_value)
            text = visible_text(rendered) if name.endswith(".html") else rendered
            if problems := french_spacing_problems(text):
                found[name] = problems
    assert len(_email_templates()) >= 30
    assert found == {}
