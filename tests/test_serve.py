"""The dev server, started for real as a subprocess and spoken to over HTTP on 127.0.0.1."""

from __future__ import annotations

import re
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import article, run_cli, write_site
from serving import Served

WELCOME = "content/articles/2026/11/welcome.md"


@pytest.fixture
def site(site_dir: Path) -> Path:
    return write_site(
        site_dir,
        {
            WELCOME: article("Welcome to the desk", "2026-11-20 09:00", "The first words.", tags="[Desk]"),
            "content/articles/2026/11/plans.md": article("Plans", "2026-11-21 09:00", "Plans ahead.", draft="true"),
        },
    )


@pytest.fixture
def served(site: Path) -> Iterator[Served]:
    server = Served(site)
    yield server
    server.stop()


def test_pages_are_served_with_the_reload_script(served: Served) -> None:
    status, html = served.get("/news/2026/11/welcome/")
    assert status == 200
    assert "The first words." in html
    assert '<script src="/__alwaght/reload.js" data-epoch="1"></script></body>' in html
    status, script = served.get("/__alwaght/reload.js")
    assert status == 200 and "EventSource" in script
    status, css = served.get("/css/site.css")
    assert status == 200 and "--accent" in css
    assert served.get("/no/such/page/")[0] == 404


def test_drafts_are_shown_with_a_banner_while_serving_but_never_built(served: Served, site: Path) -> None:
    status, html = served.get("/news/2026/11/plans/")
    assert status == 200 and "Draft: not published" in html
    assert run_cli("build", "--site", site, "--now", "2026-11-26T12:00:00Z").returncode == 0
    assert not (site / "public" / "news" / "2026" / "11" / "plans").exists()


def test_an_edit_reloads_the_page_with_the_new_content(served: Served, site: Path) -> None:
    events = served.events()
    path = site / WELCOME
    path.write_text(path.read_text().replace("The first words.", "The second draft of the words."))
    assert events.wait_for("reload")[-2:] == ["building", "reload"]
    assert "The second draft of the words." in served.get("/news/2026/11/welcome/")[1]
    served.wait_for_line(re.compile(r"welcome\.md changed: \d+ files? written in \d+\.\d\d s"), timeout=30)
    events.close()


def test_broken_front_matter_shows_the_overlay_until_it_is_fixed(served: Served, site: Path) -> None:
    events = served.events()
    bad = site / "content/articles/2026/11/bad.md"
    bad.write_text('---\ntitle: "Bad"\ndate: 21/04/2025\n---\nBody.\n')
    events.wait_for("problems")
    status, html = served.get("/news/2026/11/welcome/")
    assert status == 200
    assert 'id="alwaght-overlay"' in html
    assert (
        "content/articles/2026/11/bad.md:3: error: &#x27;date&#x27; is not a date: &quot;21/04/2025&quot;; "
        "expected YYYY-MM-DD or YYYY-MM-DD HH:MM, optionally with a zone like +03:00"
    ) in html
    assert "The first words." in html  # the last good page is still there, under the overlay
    bad.write_text('---\ntitle: "Bad"\ndate: 2026-04-21\n---\nBody.\n')
    events.wait_for("reload")
    assert 'id="alwaght-overlay"' not in served.get("/news/2026/11/welcome/")[1]
    events.close()


def test_a_request_during_a_rebuild_waits_for_it(served: Served, site: Path) -> None:
    events = served.events()
    path = site / WELCOME
    path.write_text(path.read_text().replace("The first words.", "Words after the rebuild."))
    events.wait_for("building")
    # The rebuild has started: whatever the timing, the answer must be the rebuilt page.
    assert "Words after the rebuild." in served.get("/news/2026/11/welcome/")[1]
    events.close()


def test_a_stylesheet_change_swaps_the_stylesheet_only(served: Served, site: Path) -> None:
    events = served.events()
    css = site / "static" / "css" / "site.css"
    css.parent.mkdir(parents=True)
    css.write_text(":root { --accent: #123456; }\n")
    assert events.wait_for("css")[-1] == "css"
    assert "#123456" in served.get("/css/site.css")[1]
    events.close()


def test_sigint_stops_cleanly_and_removes_the_temporary_folder(site: Path) -> None:
    server = Served(site)
    assert server.folder.is_dir()
    assert server.stop(signal.SIGINT) == 0
    assert not server.folder.exists()
    assert not any("Traceback" in line for line in server.log)
    assert not (site / "public").exists()  # serving never writes the site's own output


def test_it_listens_on_loopback_only_by_default(served: Served) -> None:
    listening = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, port = local.split(":")
        if int(port, 16) == served.port and state == "0A":  # 0A: LISTEN
            listening.append(address)
    assert listening == ["0100007F"]  # 127.0.0.1, not 0.0.0.0


def test_a_port_in_use_is_a_clear_usage_error(site: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--site", site, "--port", str(port))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"alwaght-ssg: error: port {port} is in use; stop what uses it or try --port {port + 1}"
    )


def test_the_search_index_is_built_in_the_background(served: Served) -> None:
    deadline = time.monotonic() + 120
    while served.get("/pagefind/pagefind.js")[0] != 200:
        assert time.monotonic() < deadline, "no search index two minutes after the first build"
        time.sleep(0.2)  # polling a file that appears when the background indexer finishes
