"""What rebuilds keep between builds never makes a build differ from a clean one.

A build remembers, per file, each article's own checks, each parsed source and
the links in each body (in `.cache/`), and the dev server keeps the cache in
memory between rebuilds. After each edit below (the file, a topic it refers
to, site.yaml, the build's now) the output and every reported problem must be
exactly those of a clean build of a fresh copy of the site.
"""

from __future__ import annotations

import pickle
import re
import shutil
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from alwaght_ssg.cache import Memory
from alwaght_ssg.model import Article
from alwaght_ssg.pipeline import BuildOptions, Status, build
from conftest import MINIMAL_CONFIG, NOW, NOW_ISO, article, run_cli, write_site

A = "content/articles"
T = "content/topics"
LATER_ISO = "2026-11-28T12:00:00+00:00"  # the scheduled article is out by then
CONFIG = MINIMAL_CONFIG + "search:\n  enabled: false\n"

FILES = {
    f"{T}/coast.md": "---\ntitle: The Coast\nsummary: Life by the sea.\n---\nAbout the coast.\n",
    f"{T}/ports.md": "---\ntitle: Ports\nsummary: Ships and cranes.\n---\nAbout ports.\n",
    f"{A}/storm.md": article(
        "Storm on the coast",
        "2026-11-20 09:00",
        "Lead paragraph about the storm.\n\nThe [harbour](/news/2026/11/harbour/) is closed.",
        topics="[coast]",
        tags="[Weather, Coast]",
    ),
    f"{A}/harbour.md": article(
        "Harbour reopens", "2026-11-21 10:00", "The harbour reopened.", tags="[Ports, coast]", related="[storm]"
    ),
    f"{A}/later.md": article("Scheduled piece", "2026-11-27 08:00", "Not out yet.", tags="[Weather]"),
    f"{A}/typo.md": article("A typo in the front matter", "2026-11-19 08:00", "Body.", titel='"Kept"'),
}


def _tree(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _problems(text: str) -> list[str]:
    return sorted(line for line in text.splitlines() if re.search(r": (error|warning): ", line))


def _cli_build(site: Path, *extra: str) -> tuple[int, list[str], dict[str, bytes]]:
    done = run_cli("build", "--site", site, *extra)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, _problems(done.stderr), _tree(site / "public") if done.returncode == 0 else {}


def _clean_build(site: Path, reference: Path, *extra: str) -> tuple[int, list[str], dict[str, bytes]]:
    shutil.rmtree(reference, ignore_errors=True)
    shutil.copytree(site, reference, ignore=shutil.ignore_patterns("public", ".cache", "served"))
    return _cli_build(reference, "--clean", *extra)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _remove(path: Path) -> None:
    path.unlink()


# Applied in this order, each on top of the ones before; the build's --now comes second.
EDITS: dict[str, tuple[Callable[[Path], None], str]] = {
    "nothing (every result comes from the cache)": (lambda s: None, NOW_ISO),
    "an article's title": (lambda s: _edit(s / A / "harbour.md", "Harbour reopens", "Harbour open again"), NOW_ISO),
    "an article's body": (lambda s: _edit(s / A / "harbour.md", "reopened.", "reopened at dawn."), NOW_ISO),
    "the title of a topic an article refers to": (
        lambda s: _edit(s / T / "coast.md", "title: The Coast", "title: The Coastline"),
        NOW_ISO,
    ),
    "a topic an article refers to is deleted": (lambda s: _remove(s / T / "coast.md"), NOW_ISO),
    "the topic is back": (
        lambda s: (s / T / "coast.md").write_text(FILES[f"{T}/coast.md"], encoding="utf-8"),
        NOW_ISO,
    ),
    "a topic no article refers to is deleted": (lambda s: _remove(s / T / "ports.md"), NOW_ISO),
    "site.yaml: the time zone": (
        lambda s: _edit(s / "site.yaml", "timezone: UTC", "timezone: Pacific/Auckland"),
        NOW_ISO,
    ),
    "site.yaml: the sections": (
        lambda s: (s / "site.yaml").write_text(
            (s / "site.yaml").read_text(encoding="utf-8")
            + "sections:\n  - slug: news\n    title: Latest\n  - slug: report\n    title: Reports\n",
            encoding="utf-8",
        ),
        NOW_ISO,
    ),
    "a link in a body that leads nowhere": (
        lambda s: _edit(s / A / "storm.md", "/news/2026/11/harbour/", "/news/2026/11/no-such-page/"),
        NOW_ISO,
    ),
    "the link mended": (
        lambda s: _edit(s / A / "storm.md", "/news/2026/11/no-such-page/", "/news/2026/11/harbour/"),
        NOW_ISO,
    ),
    "time passes: a scheduled article comes out": (lambda s: None, LATER_ISO),
    "an article file renamed": (lambda s: (s / A / "later.md").rename(s / A / "out-now.md"), LATER_ISO),
    "an article deleted": (lambda s: _remove(s / A / "harbour.md"), LATER_ISO),
}


Outcome = tuple[int, list[str], dict[str, bytes]]  # exit status, problems, output


def _shows(text: str) -> Callable[[Outcome], bool]:
    return lambda outcome: any(text.encode() in data for data in outcome[2].values())


def _reports(text: str) -> Callable[[Outcome], bool]:
    return lambda outcome: any(text in line for line in outcome[1])


# What must be true after some of the edits: the comparison with a clean build proves
# little if an edit did not reach the output or the problems at all.
EXPECTED: dict[str, Callable[[Outcome], bool]] = {
    "nothing (every result comes from the cache)": _reports("unknown key 'titel'"),
    "an article's title": _shows("Harbour open again"),
    "the title of a topic an article refers to": _shows("The Coastline"),
    "a topic an article refers to is deleted": lambda o: o[0] == 1 and _reports("unknown topic 'coast'")(o),
    "site.yaml: the sections": _shows("Reports"),
    "a link in a body that leads nowhere": _reports("/news/2026/11/no-such-page/"),
    "time passes: a scheduled article comes out": _shows("Scheduled piece"),
    "an article deleted": lambda o: o[0] == 0 and not any(rel.startswith("news/2026/11/harbour/") for rel in o[2]),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_site(tmp_path_factory.mktemp("rebuild-cache") / "site", FILES, CONFIG)
    status, problems, _ = _cli_build(root, "--now", NOW_ISO)
    assert status == 0 and problems, problems  # the typo's warning: replayed problems are compared below
    return root


@pytest.mark.parametrize("edit", list(EDITS))
def test_a_rebuild_after_each_edit_equals_a_clean_build(site: Path, tmp_path: Path, edit: str) -> None:
    change, now = EDITS[edit]
    change(site)
    outcome = _cli_build(site, "--now", now)
    status, problems, tree = outcome
    clean_status, clean_problems, clean_tree = _clean_build(site, tmp_path / "reference", "--now", now)
    assert (status, problems) == (clean_status, clean_problems)
    assert sorted(tree) == sorted(clean_tree)
    assert [rel for rel in clean_tree if tree[rel] != clean_tree[rel]] == []
    assert EXPECTED.get(edit, lambda outcome: True)(outcome), (edit, problems)


def test_an_article_that_refers_to_a_deleted_topic_fails_also_when_its_checks_are_remembered(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", FILES, CONFIG)
    assert _cli_build(root, "--now", NOW_ISO)[0] == 0
    (root / T / "coast.md").unlink()
    status, problems, _ = _cli_build(root, "--now", NOW_ISO)
    assert status == 1
    assert any(line.startswith(f"{A}/storm.md:") and "unknown topic 'coast'" in line for line in problems), problems


def test_entries_of_another_kind_in_the_cache_are_not_trusted(tmp_path: Path) -> None:
    """A remembered value that is not what this version stores (another version's, a damaged
    one) is worked out again, never used."""
    root = write_site(tmp_path / "site", FILES, CONFIG)
    assert _cli_build(root, "--now", NOW_ISO)[0] == 0
    db = sqlite3.connect(root / ".cache" / "build.sqlite")
    rows = db.execute(
        "SELECT key, value FROM blobs WHERE key LIKE 'article:%' OR key LIKE 'source:%' OR key LIKE 'links:%'"
    )
    damaged = 0
    for key, value in rows.fetchall():
        bucket = pickle.loads(value)
        # The same file versions and settings, but values of the wrong kind.
        bucket = {path: (version, settings, "not what was stored") for path, (version, settings, _) in bucket.items()}
        db.execute("UPDATE blobs SET value = ? WHERE key = ?", (pickle.dumps(bucket), key))
        damaged += len(bucket)
    db.commit()
    db.close()
    assert damaged >= 3 * 4  # every article's checks, sources and body links
    _edit(root / A / "harbour.md", "reopened.", "reopened today.")
    result = _cli_build(root, "--now", NOW_ISO)
    assert result == _clean_build(root, tmp_path / "reference", "--now", NOW_ISO)


def test_a_server_session_with_the_cache_in_memory_builds_what_a_clean_build_does(tmp_path: Path) -> None:
    """The dev server passes one Memory to every rebuild; each must still equal a clean build."""
    root = write_site(tmp_path / "site", FILES, CONFIG)
    served = root / "served"
    memory = Memory()
    for name, (change, now) in EDITS.items():
        change(root)
        when = datetime.fromisoformat(now).astimezone(UTC)
        result = build(BuildOptions(site=root, now=when, out=served, jobs=1), memory=memory)
        clean_status, clean_problems, clean_tree = _clean_build(root, tmp_path / "reference", "--now", now)
        assert (result.status.value, sorted(p.format() for p in result.problems)) == (clean_status, clean_problems), (
            name
        )
        if result.status is Status.BUILT:
            assert _tree(served) == clean_tree, name
    assert memory.blobs and memory.bodies and memory.pages  # the session did keep the cache in memory


def test_an_article_has_nothing_to_check_after_init() -> None:
    """Joining a remembered article with a build copies its fields without running
    `__init__` again (graph.py, `finish`): nothing may be checked or derived there."""
    assert not hasattr(Article, "__post_init__")
    assert NOW.tzinfo is not None
