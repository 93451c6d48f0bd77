"""Shared test fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def toy_text() -> str:
    return (REPO / "scenarios" / "toy-3-factions.yaml").read_text()


@pytest.fixture
def afghanistan_text() -> str:
    return (REPO / "scenarios" / "afghanistan-2023.yaml").read_text()


CHROMIUM = "/usr/bin/chromium"
# Debian's Chromium, headless, as root, on a machine whose network is closed
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="module")
def chromium():  # type: ignore[no-untyped-def]
    """A headless Chromium driven by Playwright (installed by scripts/ensure-chromium.sh)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), (
        f"{CHROMIUM} is missing: run scripts/ensure-chromium.sh (apt-get install chromium)"
    )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
