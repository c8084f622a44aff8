"""The bundled example site, built by the real CLI, checked for invariants.

Every page parses as HTML5 without errors, no page repeats an id, every
internal link and asset resolves, every published article can be reached by
following links from the front page, every page kind exists, and the content
meets what the example site promises (sections, months, topics, tags).
"""

from __future__ import annotations

import re
from collections import deque
from pathlib import Path
from urllib.parse import unquote, urlsplit

import html5lib
import pytest
import yaml

from conftest import NOW_ISO, REPO, run_cli

LINK = re.compile(r"""\s(?:href|src)="([^"]*)\"""")
ID = re.compile(r"""\sid="([^"]*)\"""")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("example") / "public"
    result = run_cli("build", "--site", REPO, "--out", out, "--now", NOW_ISO)
    assert result.returncode == 0, result.stderr
    return out, result.stderr


def _pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def _target(out: Path, href: str) -> Path | None:
    """The file an internal href points at, or None for external links."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    path = out / unquote(parts.path).lstrip("/")
    return path / "index.html" if parts.path.endswith("/") else path


def _front_matter(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---", 2)[1])


def test_builds_without_a_single_warning(built: tuple[Path, str]) -> None:
    _, stderr = built
    assert "warning" not in stderr and "error" not in stderr, stderr
    assert re.search(r"built \d+ pages", stderr)


def test_every_page_is_valid_html5(built: tuple[Path, str]) -> None:
    out, _ = built
    for page in _pages(out):
        parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
        try:
            parser.parse(page.read_bytes())
        except html5lib.html5parser.ParseError as exc:
            pytest.fail(f"{page.relative_to(out)}: {exc}")


def test_no_page_repeats_an_id(built: tuple[Path, str]) -> None:
    out, _ = built
    for page in _pages(out):
        ids = ID.findall(page.read_text(encoding="utf-8"))
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        assert not repeated, f"{page.relative_to(out)} repeats ids {repeated}"


SRCSET = re.compile(r"""\ssrcset="([^"]*)\"""")
POSTER = re.compile(r"""\sposter="([^"]*)\"""")


def test_every_internal_link_and_asset_resolves(built: tuple[Path, str]) -> None:
    out, _ = built
    broken = []
    candidates = 0
    for page in _pages(out):
        text = page.read_text(encoding="utf-8")
        srcsets = [c.strip().split(" ")[0] for value in SRCSET.findall(text) for c in value.split(",")]
        candidates += len(srcsets)
        for href in LINK.findall(text) + srcsets + POSTER.findall(text):
            target = _target(out, href)
            if target is not None and not target.is_file():
                broken.append(f"{page.relative_to(out)} -> {href}")
    assert not broken, "\n".join(broken[:20])
    assert candidates > 100  # the responsive images' copies were checked too


def test_every_published_article_is_reachable_from_the_front_page(built: tuple[Path, str]) -> None:
    out, _ = built
    seen: set[Path] = set()
    queue = deque([out / "index.html"])
    while queue:
        page = queue.popleft()
        if page in seen or page.suffix != ".html" or not page.is_file():
            continue
        seen.add(page)
        for href in LINK.findall(page.read_text(encoding="utf-8")):
            target = _target(out, href)
            if target is not None and target not in seen:
                queue.append(target)
    articles = [p for p in out.glob("*/2026/*/*/index.html")]
    assert len(articles) >= 60
    unreachable = [str(p.relative_to(out)) for p in articles if p not in seen]
    assert not unreachable


def test_every_page_kind_is_built(built: tuple[Path, str]) -> None:
    out, _ = built
    for rel in [
        "index.html", "404.html", "news/index.html", "news/page/2/index.html",
        "analysis/index.html", "report/index.html", "interview/index.html", "opinion/index.html",
        "tags/index.html", "topics/index.html", "archive/index.html",
        "topics/water-compact/index.html", "tags/almira/index.html",
        "archive/2026/07/index.html", "archive/2026/11/index.html",
        "about/index.html", "northern-corridor-map/index.html", "css/site.css",
    ]:  # fmt: skip
        assert (out / rel).is_file(), rel


def test_drafts_and_scheduled_articles_are_not_published(built: tuple[Path, str]) -> None:
    out, _ = built
    unpublished = [
        p for p in sorted((REPO / "content" / "articles").rglob("*.md"))
        if (fm := _front_matter(p)).get("draft") or str(fm["date"]) > "2026-11-27"
    ]  # fmt: skip
    assert len(unpublished) >= 2
    html = "\n".join(p.read_text(encoding="utf-8") for p in _pages(out))
    for path in unpublished:
        assert f"/{path.stem}/" not in html, path.name
        assert not list(out.rglob(path.stem)), path.name


def test_example_content_meets_its_brief() -> None:
    articles = [_front_matter(p) for p in sorted((REPO / "content" / "articles").rglob("*.md"))]
    published = [a for a in articles if not a.get("draft") and str(a["date"]) < "2026-11-27"]
    assert len(published) >= 60
    assert {a["section"] for a in published} == {"news", "report", "analysis", "interview", "opinion"}
    assert len({str(a["date"])[:7] for a in published}) >= 4
    assert len({t for a in published for t in a.get("tags", [])}) >= 40
    assert sum(bool(a.get("editors_choice")) for a in published) >= 6
    assert sum(bool(a.get("related")) for a in published) >= 30
    topics = [_front_matter(p) for p in sorted((REPO / "content" / "topics").glob("*.md"))]
    assert len(topics) == 12 and all(t.get("summary") for t in topics)


def test_article_page_has_the_seed_page_blocks_in_order(built: tuple[Path, str]) -> None:
    out, _ = built
    page = next(out.glob("report/2026/11/*/index.html"))
    html = page.read_text(encoding="utf-8")
    order = ['class="label"', "<h1", "<time", "Related Content", 'class="story-body"', "Tags", "Comments"]
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert re.search(r">(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d{1,2} November 2026<", html)
    for field in ('name="name"', 'name="email"', 'name="text"', 'type="submit"'):
        assert field in html


def test_front_page_has_its_blocks(built: tuple[Path, str]) -> None:
    out, _ = built
    html = (out / "index.html").read_text(encoding="utf-8")
    for heading in [
        "Editor&#39;s Choice",
        "News",
        "In Focus",
        "Map of Latest Developments in the Northern Corridor",
    ]:
        assert heading in html
    assert html.count('class="focus-card"') == 12
