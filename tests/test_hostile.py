"""Hostile input: what editors' mistakes, corrupted files and odd file systems do to a build.

Each case starts from a site that built cleanly, breaks it one way, and builds
again with the real command line. It asserts the exact lines the editor reads,
the exit status, that the previous output is byte-for-byte intact after a
failed build, that no traceback is printed, and that nothing was written
outside `--out` (the whole temporary tree is compared before and after; the
site's own `.cache/` is the one place besides `--out` a build may write).

The mistakes with a fixture site of their own live in tests/sites_invalid/
(invalid YAML, front matter never closed, duplicate key, tab in front matter,
a binary or Latin-1 file, `slug: ../../etc/passwd`, tags as a mapping ...);
this file covers the rest. Template mistakes are in test_templates.py.

A 50 MB article is refused, not built: no newsroom writes one article that
long, so it is a mistake (a pasted export, a log file with a `.md` name), and
refusing it at the file's size, before reading it, keeps a build's memory
bounded. The editor reads the size and the limit (8 MB).
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import NOW_ISO, REPO, article, run_cli, tree, write_site

BUILT = re.compile(r"built \d+ pages and \d+ static files into .+/ in \d+\.\d\d s \(.*\)")

GOOD_SITE = {
    "content/articles/budget-vote.md": article("Budget vote delayed", tags="[economy]"),
    "content/articles/oil-prices.md": article("Oil prices fall", date="2026-11-21 10:00"),
    "content/pages/about.md": "---\ntitle: About us\n---\nWho we are.\n",
    "static/css/extra.css": "body { margin: 0; }\n",
}
BAD = "content/articles/bad.md"


@dataclass(frozen=True)
class Outcome:
    status: int
    lines: list[str]  # stderr without the timed 'built ...' line
    site: Path


@pytest.fixture(scope="module")
def good_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site that built cleanly, with its output and cache; each case breaks a copy."""
    site = write_site(tmp_path_factory.mktemp("good") / "site", GOOD_SITE)
    result = run_cli("build", "--site", site, "--now", NOW_ISO)
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture
def work(good_site: Path, tmp_path: Path) -> Path:
    """`tmp_path` holding a copy of the good site and a folder beside it, where an escaping path would land."""
    shutil.copytree(good_site, tmp_path / "site", symlinks=True)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "keep.txt").write_text("not the site's\n")
    return tmp_path


def _hostile_build(
    tmp_path: Path, break_site: Callable[[Path], None], vanishing: tuple[str, str] | None = None
) -> Outcome:
    """Break the good site in `tmp_path`, build again; check what every case must keep true.

    With `vanishing` (trigger, victim), the victim file is deleted by the build's own
    process the moment it opens the trigger file (see `_VANISH`)."""
    site = tmp_path / "site"
    public, cache = site / "public", site / ".cache"
    previous = tree(public)
    break_site(site)
    around = tree(tmp_path, skip=(public, cache))

    if vanishing is None:
        result = run_cli("build", "--site", site, "--now", NOW_ISO)
    else:
        trigger, victim = vanishing
        build = ["build", "--site", str(site), "--now", NOW_ISO, "--jobs", "1"]
        command = [sys.executable, "-c", _VANISH, trigger, str(site / victim), *build]
        result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
        assert not (site / victim).exists(), "the trigger file was never opened"
        del around[f"site/{victim}"]
    status, stdout, stderr = result.returncode, result.stdout, result.stderr

    assert "Traceback" not in stdout + stderr, stderr
    assert tree(tmp_path, skip=(public, cache)) == around, "the build wrote outside --out"
    lines = stderr.splitlines()
    if status == 0:
        assert lines and BUILT.fullmatch(lines[-1]), stderr
        lines = lines[:-1]
    else:
        assert tree(public) == previous, "a failed build changed the previous output"
        assert lines[-1].endswith("; nothing was written"), stderr
    return Outcome(status, lines, site)


def _write(rel: str, text: str) -> Callable[[Path], None]:
    def write(site: Path) -> None:
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")

    return write


def _raw(rel: str, data: bytes) -> Callable[[Path], None]:
    def write(site: Path) -> None:
        (site / rel).write_bytes(data)

    return write


def _bad(**meta: str) -> Callable[[Path], None]:
    return _write(BAD, article("Port strike ends", **meta))


def _one_error(line: str) -> list[str]:
    return [line, "1 error in 1 file; nothing was written"]


ALIAS_BOMB = """\
---
title: Harmless looking
date: 2026-11-20 09:00
a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
---
Body.
"""
SLUG_RULE = "'slug' may use only letters, digits, hyphens, underscores and dots"
ALIAS_RULE = "alias must be a site path like '/old/path/'"

# name -> (how the site is broken, the lines the editor reads)
REFUSED: dict[str, tuple[Callable[[Path], None], list[str]]] = {
    "yaml alias bomb": (
        _write(BAD, ALIAS_BOMB),
        _one_error(
            f"{BAD}:2: error: YAML expands to more than 20,000 values (repeated aliases?); write the values out plainly"
        ),
    ),
    "tags as a number": (
        _bad(tags="42"),
        _one_error(f"{BAD}:4: error: 'tags' must be a list like [a, b] or text like \"a, b\", not the number 42"),
    ),
    "tags as a list of lists": (
        _bad(tags="[economy, [oil, gas]]"),
        _one_error(f"{BAD}:4: error: each entry of 'tags' must be text, not a list"),
    ),
    "null title": (
        _write(BAD, "---\ntitle: null\ndate: 2026-11-20 09:00\n---\nBody.\n"),
        _one_error(f"{BAD}:2: error: 'title' is empty; write the title after 'title:'"),
    ),
    "integer slug": (
        _bad(slug="2026"),
        _one_error(f"{BAD}:4: error: 'slug' must be text, not the number 2026; write it in quotes: slug: \"2026\""),
    ),
    "absolute slug": (_bad(slug="/etc/passwd"), _one_error(f"{BAD}:4: error: {SLUG_RULE}: '/etc/passwd'")),
    "slug with backslashes": (
        _bad(slug=r"'..\..\outside\x'"),
        _one_error(f"{BAD}:4: error: {SLUG_RULE}: '..\\\\..\\\\outside\\\\x'"),
    ),
    "slug with NUL": (_bad(slug='"a\\0b"'), _one_error(f"{BAD}:4: error: {SLUG_RULE}: 'a\\x00b'")),
    "slug of dots": (_bad(slug='".."'), _one_error(f"{BAD}:4: error: 'slug' may not start with a dot: '..'")),
    "alias with ../": (
        _bad(aliases="[/../../outside/x/]"),
        _one_error(f"{BAD}:4: error: {ALIAS_RULE}: '/../../outside/x/'"),
    ),
    "relative alias": (_bad(aliases="[../outside/x/]"), _one_error(f"{BAD}:4: error: {ALIAS_RULE}: '../outside/x/'")),
    "alias to another host": (
        _bad(aliases="['//evil.example/x/']"),
        _one_error(f"{BAD}:4: error: {ALIAS_RULE}: '//evil.example/x/'"),
    ),
    "alias with backslashes": (
        _bad(aliases=r"['/a\..\..\outside\x/']"),
        _one_error(f"{BAD}:4: error: {ALIAS_RULE}: '/a\\\\..\\\\..\\\\outside\\\\x/'"),
    ),
    "alias with NUL": (_bad(aliases='["/old\\0/"]'), _one_error(f"{BAD}:4: error: {ALIAS_RULE}: '/old\\x00/'")),
    "alias as a number": (_bad(aliases="[2024]"), _one_error(f"{BAD}:4: error: {ALIAS_RULE}: '2024'")),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused(name: str, work: Path) -> None:
    break_site, expected = REFUSED[name]
    outcome = _hostile_build(work, break_site)
    assert (outcome.status, outcome.lines) == (1, expected)


def test_a_50_mb_article_is_refused_by_its_size(work: Path) -> None:
    def huge(site: Path) -> None:
        paragraph = b"The council met again on Tuesday to discuss the harbour budget. " * 16 + b"\n\n"
        with (site / BAD).open("wb") as f:
            f.write(b"---\ntitle: Everything\ndate: 2026-11-20 09:00\n---\n")
            for _ in range(50 * 1024 * 1024 // len(paragraph) + 1):
                f.write(paragraph)
        assert (site / BAD).stat().st_size > 50 * 1024 * 1024

    outcome = _hostile_build(work, huge)
    assert (outcome.status, outcome.lines) == (
        1,
        _one_error(f"{BAD}: error: file is too large (50.0 MB); the limit is 8 MB"),
    )


# ---------------------------------------------------------------- links and files that move


def test_a_link_to_a_file_outside_the_site(work: Path) -> None:
    secret = work / "outside" / "secret.md"

    def link(site: Path) -> None:
        secret.write_text(article("Private draft"))
        (site / "content/articles/secret.md").symlink_to(secret)

    outcome = _hostile_build(work, link)
    assert (outcome.status, outcome.lines) == (
        1,
        _one_error(
            "content/articles/secret.md: error: file is a link to a file outside the site; copy the file in instead"
        ),
    )


def test_a_link_to_a_folder_outside_the_site(work: Path) -> None:
    """Folder links are not followed; one leading out of the site must not hide its files silently."""

    def link(site: Path) -> None:
        (work / "outside" / "2025").mkdir()
        (work / "outside" / "2025" / "old.md").write_text(article("An old story"))
        (site / "content/articles/2025").symlink_to(work / "outside" / "2025", target_is_directory=True)

    outcome = _hostile_build(work, link)
    assert (outcome.status, outcome.lines) == (
        1,
        _one_error(
            "content/articles/2025: error: folder is a link to a folder outside the site; copy the files in instead"
        ),
    )


def test_a_link_that_loops(work: Path) -> None:
    def link(site: Path) -> None:
        (site / "content/articles/loop.md").symlink_to(site / "content/articles/loop.md")

    outcome = _hostile_build(work, link)
    assert (outcome.status, outcome.lines) == (
        1,
        _one_error("content/articles/loop.md: error: cannot read file: Too many levels of symbolic links"),
    )


# A file deleted at an exact moment of a real build: an audit hook in the build's own
# process removes `victim` when the build opens `trigger`, i.e. after every file was
# listed and before `victim` (which sorts after `trigger`) is read or copied; `--jobs 1`
# keeps the reading in that process. No timing is involved.
_VANISH = """
import os, sys
trigger, victim = sys.argv[1], sys.argv[2]
def hook(event, args):
    if event == "open" and isinstance(args[0], (str, os.PathLike)) and os.fspath(args[0]).endswith(trigger):
        if os.path.exists(victim):
            os.unlink(victim)
sys.addaudithook(hook)
from alwaght_ssg.cli import main
sys.exit(main(sys.argv[3:]))
"""


def test_an_article_that_vanishes_between_listing_and_reading(work: Path) -> None:
    break_site = _write("content/articles/zz-second.md", article("Second"))

    def two_new(site: Path) -> None:
        _write("content/articles/aa-first.md", article("First"))(site)
        break_site(site)

    outcome = _hostile_build(work, two_new, ("content/articles/aa-first.md", "content/articles/zz-second.md"))
    assert (outcome.status, outcome.lines) == (
        1,
        _one_error("content/articles/zz-second.md: error: file disappeared while the site was being read"),
    )


def test_a_static_file_that_vanishes_before_it_is_copied(work: Path) -> None:
    def two_new(site: Path) -> None:
        _write("static/css/aa.css", "a { color: red; }\n")(site)
        _write("static/css/zz.css", "b { color: blue; }\n")(site)

    outcome = _hostile_build(work, two_new, ("static/css/aa.css", "static/css/zz.css"))
    assert (outcome.status, outcome.lines) == (
        1,
        _one_error("static/css/zz.css: error: file disappeared while the site was being built; build again"),
    )


# ---------------------------------------------------------------- accepted as they are


def test_a_utf8_byte_order_mark_is_dropped(work: Path) -> None:
    text = article("Harbour reopens", body="First paragraph.").encode()
    outcome = _hostile_build(work, _raw(BAD, b"\xef\xbb\xbf" + text))
    assert (outcome.status, outcome.lines) == (0, [])
    page = (outcome.site / "public/news/2026/11/bad/index.html").read_text(encoding="utf-8")
    assert "<h1>Harbour reopens</h1>" in page or ">Harbour reopens</h1>" in page
    assert "\ufeff" not in page


def test_crlf_line_ends_build_like_lf(work: Path) -> None:
    text = article("Harbour reopens", body="First paragraph.\n\nSecond paragraph.", tags="[port, trade]")
    outcome = _hostile_build(work, _raw(BAD, text.replace("\n", "\r\n").encode()))
    assert (outcome.status, outcome.lines) == (0, [])
    public = outcome.site / "public"
    page = (public / "news/2026/11/bad/index.html").read_text(encoding="utf-8")
    assert "\r" not in page
    assert "<p>First paragraph.</p>" in page and "<p>Second paragraph.</p>" in page
    assert (public / "tags/trade/index.html").is_file()


def test_an_absolute_alias_stays_inside_the_output(work: Path) -> None:
    """`/etc/passwd` is a site path: its redirect page lands in public/etc/passwd/, nowhere else."""
    outcome = _hostile_build(work, _bad(aliases="[/etc/passwd]"))
    assert (outcome.status, outcome.lines) == (0, [])
    redirect = (outcome.site / "public/etc/passwd/index.html").read_text(encoding="utf-8")
    assert 'url=/news/2026/11/bad/"' in redirect


def test_urls_that_differ_only_by_case_are_a_warning(work: Path) -> None:
    def two(site: Path) -> None:
        _write("content/articles/a.md", article("Upper", slug="Budget"))(site)
        _write("content/articles/b.md", article("Lower", slug="budget"))(site)

    outcome = _hostile_build(work, two)
    assert (outcome.status, outcome.lines) == (
        0,
        [
            "content/articles/a.md: warning: URL /news/2026/11/Budget/ differs from /news/2026/11/budget/ "
            "(content/articles/b.md) only by letter case; they collide on case-insensitive hosts",
            "1 warning in 1 file",
        ],
    )
    assert (outcome.site / "public/news/2026/11/Budget/index.html").is_file()
    assert (outcome.site / "public/news/2026/11/budget/index.html").is_file()


# ---------------------------------------------------------------- markup in the headline

HEADLINE = '<script>alert("x")</script> & Co </title><!--'
TAG = "<b>bold</b>"
AUTHOR = "<img src=x onerror=alert(1)>"
SUMMARY = "A summary with <em>markup</em> & an ampersand."
RAW = ("<script>alert", "<b>bold", "<img src=x", "<em>markup", "</title><!--")


class _Text(HTMLParser):
    """The text and the attribute values of an HTML page, as a browser decodes them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.attributes: list[str] = []
        self.scripts: list[tuple[str, str]] = []  # (type, body)
        self._script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes += [value for _, value in attrs if value]
        if tag == "script":
            self._script = dict(attrs).get("type") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self.scripts.append((self._script, data))
        else:
            self.text.append(data)


def test_markup_in_the_headline_is_text_in_every_output(work: Path) -> None:
    front = (
        f"---\ntitle: {json.dumps(HEADLINE)}\ndate: 2026-11-20 09:00\ntags: [{json.dumps(TAG)}]\n"
        f"author: {json.dumps(AUTHOR)}\nsummary: {json.dumps(SUMMARY)}\n---\n\nThe harbour reopened on Monday.\n"
    )
    outcome = _hostile_build(work, _write(BAD, front))
    assert (outcome.status, outcome.lines) == (0, [])
    public = outcome.site / "public"
    url = "/news/2026/11/bad/"

    # No output carries the markup as markup, whatever its format.
    for path in public.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".txt", ""):
            data = path.read_text(encoding="utf-8", errors="replace")
            for raw in RAW:
                assert raw not in data, f"{path.relative_to(public)} carries {raw!r} unescaped"

    # HTML: the browser shows the headline as the editor typed it; JSON-LD holds it as data.
    page = _Text()
    page.feed((public / "news/2026/11/bad/index.html").read_text(encoding="utf-8"))
    assert HEADLINE in page.text and TAG in page.text and AUTHOR in "".join(page.text)
    assert HEADLINE in " ".join(page.attributes)  # og:title and friends
    blocks = [json.loads(body) for kind, body in page.scripts if kind == "application/ld+json"]
    assert any(block.get("headline") == HEADLINE for block in blocks)
    assert not any("alert" in body for kind, body in page.scripts if kind != "application/ld+json")

    # Feeds: Atom and RSS, site-wide and per tag, hold the headline as XML text.
    for folder in ("", "news/", "tags/b-bold-b/"):
        for name in ("feed.xml", "rss.xml"):
            feed = ET.parse(public / folder / name)
            titles = [el.text for el in feed.iter() if el.tag.rpartition("}")[2] == "title"]
            assert HEADLINE in titles, folder + name

    # The search index (Pagefind's gzip-compressed fragments): the headline is stored as plain
    # text; Pagefind's interface shows titles as text and escapes `<` in excerpts itself.
    fragments = {}
    for path in (public / "pagefind" / "fragment").iterdir():
        unpacked = gzip.decompress(path.read_bytes())
        assert unpacked.startswith(b"pagefind_dcd")
        fragment = json.loads(unpacked[len(b"pagefind_dcd") :])
        fragments[fragment["url"]] = fragment
    assert fragments[url]["meta"]["title"] == HEADLINE
    assert "The harbour reopened on Monday." in fragments[url]["content"]
