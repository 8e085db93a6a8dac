"""The docs say what the code does: the kinds of email, the environment variables, and no link that leaves the
repository (a design note that only exists on someone's machine is no documentation)."""
from __future__ import annotations

import re
from pathlib import Path

from portal.config import ROOT
from portal.notifications.kinds import registered_kinds

DOCS = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]


def test_the_notifications_doc_names_exactly_the_kinds_the_code_registers(app):
    text = (ROOT / "docs" / "notifications.md").read_text()
    listed = text.split("The kinds in use", 1)[1].split("):", 1)[1].split("\n\n", 1)[0]
    assert set(re.findall(r"`([a-z0-9_.]+)`", listed)) == set(registered_kinds(app))


def test_every_environment_variable_the_config_reads_is_in_the_readme():
    config = (ROOT / "portal" / "config.py").read_text()
    names = set(re.findall(r'env\.get\("([A-Z_]+)"', config)) | set(re.findall(r'environ\.get\("([A-Z_]+)"', config))
    readme = (ROOT / "README.md").read_text()
    assert names and not {name for name in names if f"`{name}`" not in readme}


def _links(path: Path) -> list[str]:
    return re.findall(r"\]\(([^)#\s]+)", path.read_text())


def test_docs_link_only_to_files_in_the_repository():
    problems = []
    for path in DOCS:
        text = path.read_text()
        problems += [f"{path.name}: mentions {m}" for m in re.findall(r"\.\./shared\S*|\bDESIGN\.md\b", text)]
        for link in _links(path):
            if "://" in link or link.startswith("mailto:"):
                continue
            target = (path.parent / link).resolve()
            if not target.exists() or ROOT.resolve() not in target.parents:
                problems.append(f"{path.name}: {link}")
    assert not problems, problems
