"""The Most Viewed tabs in a real browser (Debian's chromium): keyboard operation by the
WAI-ARIA tabs pattern, mirrored arrows right-to-left, and every list reachable without
JavaScript."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from conftest import NOW_ISO, article, run_cli, write_site

LOG = "".join(
    f'10.0.0.{i} - - [{when}] "GET {path} HTTP/1.1" 200 512 "-" "Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0"\n'
    for i, (when, path) in enumerate(
        [("26/Nov/2026:10:00:00 +0000", "/news/2026/11/storm/")] * 2
        + [("22/Nov/2026:10:00:00 +0000", "/news/2026/11/port/")] * 3
        + [("05/Nov/2026:10:00:00 +0000", "/news/2026/11/budget/")] * 4
    )
)


def _site(root: Path, language: str) -> Path:
    return write_site(
        root,
        {
            "content/articles/storm.md": article("Storm warning", "2026-11-20 09:00", slug="storm"),
            "content/articles/port.md": article("Port reopens", "2026-11-21 09:00", slug="port"),
            "content/articles/budget.md": article("Budget passes", "2026-11-02 09:00", slug="budget"),
            "data/analytics/access.log": LOG,
        },
        f"title: Test Desk\nbase_url: /\ntimezone: UTC\nlanguage: {language}\nsearch:\n  enabled: false\n",
    )


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    urls, servers = {}, []
    for language in ("en", "ar"):
        base = tmp_path_factory.mktemp(f"tabs-{language}")
        out = base / "public"
        result = run_cli("build", "--site", _site(base / "site", language), "--out", out, "--now", NOW_ISO)
        assert result.returncode == 0, result.stderr
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(out)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        urls[language] = f"http://127.0.0.1:{server.server_address[1]}/"
    yield urls
    for server in servers:
        server.shutdown()


def _state(page: Page) -> tuple[list[str], list[bool]]:
    """The selected tab's label and which panels are visible, in the home block."""
    block = page.locator("#home-mv-title").locator("xpath=..")
    selected = block.locator("[role=tab][aria-selected=true]").all_inner_texts()
    visible = [panel.is_visible() for panel in block.locator("[data-tab-panel]").all()]
    return selected, visible


def test_keyboard_moves_between_tabs(browser: Browser, served: dict[str, str]) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(served["en"])
    tabs = page.locator("#home-mv-title").locator("xpath=..").locator("[role=tab]")
    assert tabs.all_inner_texts() == ["Day", "Week", "Month"]
    assert _state(page) == (["Day"], [True, False, False])
    assert "Storm warning" in page.locator("#home-mv-day").inner_text()

    tabs.nth(0).focus()
    page.keyboard.press("ArrowRight")
    assert _state(page) == (["Week"], [False, True, False])
    assert page.evaluate("document.activeElement.textContent") == "Week"
    assert page.locator("#home-mv-week li").all_inner_texts()[0].startswith("Port reopens")
    page.keyboard.press("End")
    assert _state(page) == (["Month"], [False, False, True])
    page.keyboard.press("ArrowRight")  # wraps round
    assert _state(page) == (["Day"], [True, False, False])
    page.keyboard.press("ArrowLeft")
    assert _state(page) == (["Month"], [False, False, True])
    page.keyboard.press("Home")
    assert _state(page) == (["Day"], [True, False, False])
    # only the selected tab is in the tab order; Tab goes on into its panel
    assert [t.get_attribute("tabindex") for t in tabs.all()] == ["0", "-1", "-1"]
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "home-mv-day"
    tabs.nth(2).click()
    assert _state(page) == (["Month"], [False, False, True])
    assert page.locator("#home-mv-month").get_attribute("aria-labelledby") == tabs.nth(2).get_attribute("id")
    assert errors == []
    page.close()


def test_arrows_are_mirrored_right_to_left(browser: Browser, served: dict[str, str]) -> None:
    page = browser.new_page()
    page.goto(served["ar"])
    tabs = page.locator("#home-mv-title").locator("xpath=..").locator("[role=tab]")
    tabs.nth(0).focus()
    page.keyboard.press("ArrowLeft")  # towards the reading direction's next tab
    assert _state(page)[1] == [False, True, False]
    page.keyboard.press("ArrowRight")
    assert _state(page)[1] == [True, False, False]
    page.close()


def test_every_list_shows_without_javascript(browser: Browser, served: dict[str, str]) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served["en"])
    assert page.locator("[role=tab]").count() == 0
    block = page.locator("#home-mv-title").locator("xpath=..")
    assert [h.text_content() for h in block.locator("[data-tab-label]").all()] == ["Day", "Week", "Month"]
    assert all(panel.is_visible() for panel in block.locator("[data-tab-panel]").all())
    assert block.locator("li").count() == 1 + 2 + 3
    context.close()
