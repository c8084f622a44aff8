"""Quality gates on the example site: the Nu Html Checker finds no error on any page,
and axe-core in Debian's chromium finds no serious or critical violation, nor any
console error, on every page kind at phone and desktop widths.

The tools are installed by .ci/run (`npm install --prefix .ci`); without them these
tests are skipped on a developer's machine, never under CI.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from conftest import NOW_ISO, REPO, run_cli

TOOLS = REPO / ".ci" / "node_modules"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = TOOLS / "axe-core" / "axe.min.js"
PAGES = [
    "/",
    "/report/2026/11/tavira-storm-orla-lusca-damage/",
    "/news/",
    "/news/page/2/",
    "/tags/almira/",
    "/topics/water-compact/",
    "/topics/",
    "/tags/",
    "/archive/2026/10/",
    "/search/",
    "/about/",
    "/northern-corridor-map/",
    "/404.html",
    "/most-viewed/day/",
    "/most-viewed/month/",
    "/gallery/",
    "/gallery/photos/",
    "/gallery/2026/harbour-at-dawn/",
    "/gallery/2026/film-harbour-morning/",
]


def _need(path: Path) -> None:
    if not path.is_file() and not os.environ.get("CI"):
        pytest.skip(f"needs {path.relative_to(REPO)}: run 'npm install --prefix .ci'")


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("quality") / "public"
    result = run_cli("build", "--site", REPO, "--out", out, "--now", NOW_ISO)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def served(public: Path) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(public)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_nu_html_checker_finds_no_error_on_any_page(public: Path) -> None:
    _need(VNU)
    java = shutil.which("java")
    assert java, "the Nu Html Checker needs Java"
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--skip-non-html", "--format", "json", str(public)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = [f"{m.get('url', '')}:{m.get('lastLine', '')}: {m['message']}" for m in messages if m["type"] == "error"]
    assert errors == [], "\n".join(errors[:20])
    assert sum(1 for _ in public.rglob("*.html")) > 150  # it really looked at the whole site


@pytest.mark.parametrize("width", [390, 1280])
def test_axe_finds_no_serious_violation_and_pages_log_no_errors(browser: Browser, served: str, width: int) -> None:
    _need(AXE)
    axe = AXE.read_text(encoding="utf-8")
    found = []
    for url in PAGES:
        page = browser.new_page(viewport={"width": width, "height": 900})
        console: list[str] = []
        page.on("console", lambda message, log=console: log.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error, log=console: log.append(str(error)))
        response = page.goto(served + url)
        assert response is not None and response.status == 200, url
        page.add_script_tag(content=axe)
        violations = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
            ".map(v => v.id + ' ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))"
        )
        found += [f"{url}: {v}" for v in violations] + [f"{url}: console: {c}" for c in console]
        page.close()
    assert found == [], "\n".join(found)
