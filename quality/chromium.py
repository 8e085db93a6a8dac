"""Debian's Chromium, driven by Playwright for Python (never `playwright install`: no browser downloads)."""
from __future__ import annotations

import os
import shutil

DEBIAN_CHROMIUM = "/usr/bin/chromium"

# Headless, and quiet on the network: no background requests of Chromium's own, so every request a test
# records comes from the page.
ARGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
)


def find_chromium() -> str | None:
    """The Chromium executable, if one is installed."""
    return shutil.which("chromium") or (DEBIAN_CHROMIUM if os.path.exists(DEBIAN_CHROMIUM) else None)


def launch(playwright, executable: str):
    """A headless Chromium browser (one per run: launching is the slow part)."""
    return playwright.chromium.launch(executable_path=executable, args=list(ARGS), headless=True)
