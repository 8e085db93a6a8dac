"""Render the main pages in both languages at phone and desktop widths, so anyone can look at the portal.

    python -m quality.screenshots [--out screenshots] [--all]

Serves the harness site (demo programme, throwaway database) on a free localhost port and saves full-page PNGs
named `<page>-<lang>-<width>.png`. Pages marked `screenshot=True` in quality.pages are taken; `--all` takes every
page spec. Not a test: it checks nothing, it shows.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from portal.config import ROOT
from portal.i18n import LANGUAGES
from quality.browser import submit_form
from quality.chromium import find_chromium, launch
from quality.pages import PAGES
from quality.site import LiveServer, Site, build_app

WIDTHS = (375, 1280)


def take(site: Site, browser, out: Path, specs) -> list[Path]:
    """Screenshot each spec in each language at each width (signed in as its role, its form submitted if it
    names one); returns the files written."""
    written = []
    roles = dict.fromkeys(spec.role for spec in specs)
    for width in WIDTHS:
        phone = width < 600
        for role in roles:
            signed_in = {"storage_state": site.storage_state(browser, role)} if role else {}
            context = browser.new_context(viewport={"width": width, "height": 800}, is_mobile=phone,
                                          has_touch=phone, **signed_in)
            page = context.new_page()
            for spec in (spec for spec in specs if spec.role == role):
                for lang in LANGUAGES:
                    page.goto(site.url_for(spec, lang))
                    if spec.submit:
                        submit_form(page, spec.submit.action_path(lang, site.sample), spec.submit.fields)
                    path = out / f"{spec.name}-{lang}-{width}.png"
                    page.screenshot(path=str(path), full_page=True)
                    written.append(path)
            context.close()
    return written


def main(argv: list[str] | None = None) -> int:
    """Build the site, take the screenshots, list them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots", help="folder for the PNG files")
    parser.add_argument("--all", action="store_true", help="every page spec, not only the main pages")
    args = parser.parse_args(argv)
    executable = find_chromium()
    if not executable:
        print("Chromium is not installed (apt-get install chromium).", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    specs = [spec for spec in PAGES if args.all or spec.screenshot]
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="portal-screenshots-") as workdir:
        app, sample = build_app(Path(workdir))
        app.logger.disabled = True  # the 500 page's deliberate exception is not news here
        with LiveServer(app) as server, sync_playwright() as playwright:
            browser = launch(playwright, executable)
            written = take(Site(url=server.url, sample=sample, app=app), browser, args.out, specs)
            browser.close()
    print(f"{len(written)} screenshots in {args.out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
