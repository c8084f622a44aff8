"""Shared test helpers: tiny sites written into tmp_path, a fixed now, the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

REPO = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
NOW_ISO = "2026-11-26T12:00:00+00:00"

MINIMAL_CONFIG = """\
title: Test Desk
base_url: https://news.example.org/
timezone: UTC
"""


def write_site(root: Path, files: dict[str, str], config: str | None = MINIMAL_CONFIG) -> Path:
    """Write a site folder: `files` maps relative paths to text (dedented)."""
    root.mkdir(parents=True, exist_ok=True)
    if config is not None:
        (root / "site.yaml").write_text(textwrap.dedent(config), encoding="utf-8")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def tree(root: Path, skip: tuple[Path, ...] = ()) -> dict[str, bytes | str]:
    """Everything below `root` except the `skip` folders: files by their bytes, links by
    their target, folders by name. Two snapshots differ when anything was written there."""
    found: dict[str, bytes | str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        folder = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if folder / d not in skip)
        for name in dirnames + sorted(filenames):
            path = folder / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[rel] = "link to " + os.readlink(path)
            elif path.is_dir():
                found[rel] = "folder"
            else:
                found[rel] = path.read_bytes()
    return found


def article(
    title: str = "A headline", date: str = "2026-11-20 09:00", body: str = "Lead paragraph.", **meta: str
) -> str:
    """Front matter + body for an article; extra keys are written as given (YAML text)."""
    lines = ["---", f'title: "{title}"', f"date: {date}"]
    lines += [f"{key}: {value}" for key, value in meta.items()]
    lines += ["---", "", body, ""]
    return "\n".join(lines)


def run_cli(
    *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real command line in a subprocess."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "alwaght_ssg", *map(str, args)],
        cwd=cwd or REPO,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    return tmp_path / "site"


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium driven by Playwright; never a downloaded browser.

    Without /usr/bin/chromium the browser tests are skipped on a developer's
    machine, but never under CI (which installs it), where a missing browser fails.
    """
    if not CHROMIUM.exists() and not os.environ.get("CI"):
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True)
        yield chromium
        chromium.close()
