"""In a real browser, an open page reloads by itself after an edit, and shows problems as an overlay."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from conftest import article, write_site
from serving import Served

WELCOME = "content/articles/2026/11/welcome.md"


@pytest.fixture
def served(site_dir: Path) -> Iterator[Served]:
    write_site(site_dir, {WELCOME: article("Welcome to the desk", "2026-11-20 09:00", "The first words.")})
    server = Served(site_dir)
    yield server
    server.stop()


def test_an_open_page_reloads_after_an_edit_and_shows_problems(
    browser: Browser, served: Served, site_dir: Path
) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(served.url + "news/2026/11/welcome/")
    assert page.locator("h1").inner_text() == "Welcome to the desk"
    page.wait_for_function("() => !!document.querySelector('script[data-epoch]')")

    path = site_dir / WELCOME
    path.write_text(path.read_text().replace("Welcome to the desk", "A new headline"))
    page.wait_for_function("() => document.querySelector('h1').innerText === 'A new headline'", timeout=60_000)

    path.write_text('---\ntitle: "A new headline"\ndate: 21/04/2025\n---\nBody.\n')
    overlay = page.locator("#alwaght-overlay")
    overlay.wait_for(state="visible", timeout=60_000)
    assert "welcome.md:3: error: 'date' is not a date" in overlay.inner_text()

    path.write_text('---\ntitle: "Fixed"\ndate: 2026-11-20 09:00\n---\nBody.\n')
    page.wait_for_function("() => document.querySelector('h1').innerText === 'Fixed'", timeout=60_000)
    assert page.locator("#alwaght-overlay").count() == 0
    assert errors == []
    page.close()
