"""Broken sites, one folder per kind of content mistake (Zola's test_sites_invalid).

Each folder under tests/sites_invalid/ is a whole small site plus an
`expected.txt`: a first line `# exit: N`, then exactly the stderr lines the
build prints for it (the `path:line: severity: message` lines and the summary).
The real command line runs in a subprocess on a copy of the folder. A build
with errors must leave the previous output folder byte-for-byte as it was, and
no build writes anywhere but the output folder and the site's cache.

    UPDATE_EXPECTED=1 pytest tests/test_invalid_sites.py   # rewrite expected.txt files
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import run_cli, tree

SITES = Path(__file__).resolve().parent / "sites_invalid"
NOW = "2026-11-26T12:00:00Z"
UPDATE = os.environ.get("UPDATE_EXPECTED") == "1"
CASES = sorted(p.name for p in SITES.iterdir() if p.is_dir())

# The one line a successful build adds after the problems; its timings vary from run to run.
_BUILT = re.compile(r"built \d+ pages and \d+ static files into .+/ in \d+\.\d\d s \(.*\)")
_EXIT = re.compile(r"# exit: (\d+)")

PREVIOUS_SITE = {
    ".alwaght-ssg": b"This folder is written by alwaght-ssg; it is replaced on every build.\n",
    "index.html": b"<!doctype html><title>Yesterday's front page</title>\n",
    "news/2026/11/yesterday/index.html": b"<!doctype html><title>Yesterday's story</title>\n",
    "css/site.css": b"body { color: #111; }\n",
}


def _read_expected(folder: Path) -> tuple[int, list[str]]:
    lines = (folder / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert lines, f"{folder.name}/expected.txt is empty"
    match = _EXIT.fullmatch(lines[0])
    assert match, f"{folder.name}/expected.txt must start with a line '# exit: N'"
    return int(match.group(1)), lines[1:]


def _write_expected(folder: Path, status: int, lines: list[str]) -> None:
    text = "\n".join([f"# exit: {status}", *lines]) + "\n"
    (folder / "expected.txt").write_text(text, encoding="utf-8")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _copy_site(name: str, tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(SITES / name, site, ignore=shutil.ignore_patterns("expected.txt"))
    return site


def _build(site: Path) -> tuple[int, list[str], str]:
    """Exit status, the stderr lines without the timed 'built ...' line, and all output."""
    result = run_cli("build", "--site", site, "--now", NOW, cwd=site.parent)
    lines = result.stderr.splitlines()
    if result.returncode == 0:
        assert lines and _BUILT.fullmatch(lines[-1]), f"a successful build ends with 'built ...':\n{result.stderr}"
        lines = lines[:-1]
    else:
        assert not any(_BUILT.fullmatch(line) for line in lines), result.stderr
    return result.returncode, lines, result.stdout + result.stderr


def test_every_kind_of_mistake_has_a_fixture() -> None:
    assert set(CASES) >= {
        "bad-date", "missing-title", "empty-title", "missing-date", "unknown-section",
        "unknown-topic", "related-missing", "duplicate-key", "duplicate-slug",
        "front-matter-not-closed", "no-front-matter", "invalid-yaml", "tab-in-front-matter",
        "tags-mapping", "draft-not-boolean", "slug-dotdot", "not-utf8", "binary-file",
        "topic-without-summary", "unknown-key-near", "tags-differ-by-case",
        "offset-without-colon", "several-errors",
    }  # fmt: skip
    for name in CASES:
        assert (SITES / name / "site.yaml").is_file(), name
        assert UPDATE or (SITES / name / "expected.txt").is_file(), name
        assert (SITES / name / "content").is_dir(), name


def test_fixture_bytes_are_what_they_claim() -> None:
    """The non-UTF-8 and binary fixtures must keep their bytes (see .gitattributes)."""
    latin1 = (SITES / "not-utf8/content/articles/budget-vote.md").read_bytes()
    assert b"Cura\xe7ao" in latin1
    with pytest.raises(UnicodeDecodeError):
        latin1.decode("utf-8")
    binary = (SITES / "binary-file/content/articles/photo.md").read_bytes()
    assert binary.startswith(b"\x89PNG\r\n\x1a\n") and b"\x00" in binary
    tab = (SITES / "tab-in-front-matter/content/articles/budget-vote.md").read_bytes()
    assert b"\n\t- economy\n" in tab


@pytest.mark.parametrize("name", CASES)
def test_invalid_site(name: str, tmp_path: Path) -> None:
    folder = SITES / name
    site = _copy_site(name, tmp_path)
    public = site / "public"
    for rel, data in PREVIOUS_SITE.items():
        (public / rel).parent.mkdir(parents=True, exist_ok=True)
        (public / rel).write_bytes(data)
    before = _snapshot(public)
    around = tree(tmp_path, skip=(public, site / ".cache"))

    status, lines, output = _build(site)

    if UPDATE:
        _write_expected(folder, status, lines)
    expected_status, expected_lines = _read_expected(folder)
    assert "Traceback" not in output
    assert tree(tmp_path, skip=(public, site / ".cache")) == around, "the build wrote outside --out"
    assert lines == expected_lines, "\n".join(["stderr was:", *lines])
    assert status == expected_status, output
    if expected_status != 0:
        assert _snapshot(public) == before, "a failed build changed the previous output"
        assert expected_lines[-1].endswith("; nothing was written")
    else:
        assert (public / "index.html").read_bytes() != PREVIOUS_SITE["index.html"]
        assert not (public / "news/2026/11/yesterday").exists()
    leftovers = sorted(p.name for p in site.iterdir() if p.name.startswith(".public."))
    assert leftovers == [], "staging folders left behind"


def test_offset_without_colon_is_read_as_an_offset(tmp_path: Path) -> None:
    """`2012-02-22 12:28:21 -0400` is 16:28:21 UTC; the site's time zone is UTC."""
    site = _copy_site("offset-without-colon", tmp_path)
    status, lines, output = _build(site)
    assert (status, lines) == (0, []), output
    page = (site / "public/news/2012/02/budget-vote/index.html").read_text(encoding="utf-8")
    assert '<time datetime="2012-02-22T16:28:21+00:00">Wednesday 22 February 2012</time>' in page
    assert '<span class="clock">16:28</span>' in page


def test_tags_differing_by_case_are_one_tag(tmp_path: Path) -> None:
    site = _copy_site("tags-differ-by-case", tmp_path)
    status, _, output = _build(site)
    assert status == 0, output
    tags = sorted(p.name for p in (site / "public/tags").iterdir() if p.is_dir())
    assert tags == ["budget", "economy"]
    listing = (site / "public/tags/economy/index.html").read_text(encoding="utf-8")
    for title in ("Budget vote delayed", "Oil prices fall", "Trade deal signed"):
        assert title in listing
    index = (site / "public/tags/index.html").read_text(encoding="utf-8")
    assert ">Economy<" in index and ">economy<" not in index
