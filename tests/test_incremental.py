"""Incremental builds give exactly the bytes a clean build gives, after every kind of edit.

A copy of the example site is built once; then each edit is applied in turn
and the incremental build (cache and previous output reused) is compared,
file by file, with a clean build of a fresh copy of the edited site.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import NOW_ISO, REPO, run_cli

ARTICLES = Path("content/articles/2026")
STORM = ARTICLES / "11/tavira-storm-orla-lusca-damage.md"
OLD = ARTICLES / "08/dunmere-border-station-readies-for-freight.md"
UNLINKED = ARTICLES / "10/novelist-dalia-renn-delta-flood-novel.md"  # no article lists these two in `related`
RECENT = ARTICLES / "11/almira-court-strikes-down-media-law.md"  # in the rail's News, not Editor's Choice
TOURISM = ARTICLES / "07/tavira-tourist-season-strains-lusca-water.md"


def _copy_site(target: Path) -> Path:
    ignore = shutil.ignore_patterns("public", ".cache", "tests", "alwaght_ssg", ".git", "bench", "*.egg-info")
    shutil.copytree(REPO, target, ignore=ignore)
    return target


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _build(site: Path, *extra: str) -> str:
    result = run_cli("build", "--site", site, "--now", NOW_ISO, *extra)
    assert result.returncode == 0, result.stderr
    return result.stderr


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _front(path: Path, key: str, value: str) -> None:
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(rf"(?m)^{key}:.*$", f"{key}: {value}", text, count=1)
    if n == 0:
        new = text.replace("---\n", f"---\n{key}: {value}\n", 1)
    path.write_text(new, encoding="utf-8")


EDITS: dict[str, Callable[[Path], None]] = {
    "body of an old article": lambda s: _edit(s / OLD, "## ", "A new paragraph from the desk.\n\n## "),
    "title of a recent article": lambda s: _front(s / RECENT, "title", '"Court strikes down media law"'),
    "title of an editor's choice": lambda s: _front(s / STORM, "title", '"Storm Orla: Lusca counts the cost"'),
    "tags": lambda s: _front(s / OLD, "tags", "[Rail, Borders, Sennar, Sport]"),
    "topics": lambda s: _front(s / OLD, "topics", "[northern-corridor, migration-routes]"),
    "related": lambda s: _front(s / OLD, "related", "[tavira-storm-orla-lusca-damage]"),
    "date moves an article to another month": lambda s: _front(s / OLD, "date", "2026-10-05 09:00"),
    "delete an article": lambda s: (s / UNLINKED).unlink(),
    "add an article": lambda s: (s / ARTICLES / "11" / "late-news.md").write_text(
        '---\ntitle: "Late news"\ndate: 2026-11-26 08:00\ntags: [Almira, Trade]\n---\nMeridian- Late news.\n',
        encoding="utf-8",
    ),
    "rename an article file": lambda s: (s / TOURISM).rename(s / ARTICLES / "07" / "tavira-tourism-and-water.md"),
    "a template": lambda s: _edit(s / "templates" / "article.html", "Related Content", "See also"),
    "site.yaml": lambda s: _edit(s / "site.yaml", "per_page: 10", "per_page: 7"),
    "a topic's summary": lambda s: _front(s / "content/topics/water-compact.md", "summary", '"Sharing the Ister."'),
    "a static file": lambda s: _edit(s / "static/css/site.css", "--accent: #a8141c;", "--accent: #9a1219;"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = _copy_site(tmp_path_factory.mktemp("incremental") / "site")
    _build(site)
    return site


@pytest.mark.parametrize("edit", list(EDITS))
def test_incremental_build_equals_clean_build(site: Path, tmp_path: Path, edit: str) -> None:
    EDITS[edit](site)
    summary = _build(site)
    reference = tmp_path / "reference"
    shutil.copytree(site, reference, ignore=shutil.ignore_patterns("public", ".cache"))
    _build(reference, "--clean")
    incremental, clean = _tree(site / "public"), _tree(reference / "public")
    assert sorted(incremental) == sorted(clean)
    differing = [rel for rel in clean if incremental[rel] != clean[rel]]
    assert not differing, differing[:10]
    assert re.search(r"\(\d+ written, \d+ unchanged", summary)


def test_a_rebuild_with_nothing_changed_writes_nothing(site: Path) -> None:
    _build(site)
    summary = _build(site)
    assert re.search(r"\(0 written, \d+ unchanged, 0 removed;", summary), summary


def test_editing_one_old_article_writes_only_its_page(site: Path) -> None:
    _build(site)
    _edit(site / ARTICLES / "07" / "korvath-terraces-brace-for-dry-summer.md", "## ", "One more line.\n\n## ")
    summary = _build(site)
    assert re.search(r"\(1 written, \d+ unchanged, 0 removed;", summary), summary


def test_a_corrupt_cache_is_discarded_not_trusted(site: Path) -> None:
    _build(site)
    (site / ".cache" / "build.sqlite").write_bytes(b"this is not a database" * 100)
    summary = _build(site)
    assert "written" in summary
    reference = site.parent / "corrupt-reference"
    shutil.copytree(site, reference, ignore=shutil.ignore_patterns("public", ".cache"))
    _build(reference, "--clean")
    assert _tree(site / "public") == _tree(reference / "public")
