"""The command line, run for real in a subprocess: exit codes, what is written, what is refused.

Exit status: 0 built, 1 content errors, 2 bad usage or configuration.
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from alwaght_ssg import __version__
from conftest import NOW_ISO, REPO, article, run_cli, write_site

_BUILT = re.compile(r"built \d+ pages and \d+ static files into .+/ in \d+\.\d\d s \(.*\)")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _ok(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def _basic_site(root: Path) -> Path:
    return write_site(
        root,
        {
            "content/articles/budget-vote.md": article("Budget vote delayed", "2026-11-20 09:00", tags="[economy]"),
            "content/articles/oil-prices.md": article("Oil prices fall", "2026-11-21 09:00", section="analysis"),
        },
    )


# --- build and check ---------------------------------------------------------------------


def test_build_writes_the_site(site_dir: Path) -> None:
    _basic_site(site_dir)
    result = run_cli("build", "--site", site_dir, "--now", NOW_ISO)
    _ok(result)
    assert _BUILT.fullmatch(result.stderr.strip()), result.stderr
    public = site_dir / "public"
    assert (public / "index.html").is_file()
    assert (public / ".alwaght-ssg").is_file()
    assert "Budget vote delayed" in (public / "news/2026/11/budget-vote/index.html").read_text(encoding="utf-8")
    assert (public / "analysis/2026/11/oil-prices/index.html").is_file()


def test_check_of_a_good_site_writes_nothing(site_dir: Path) -> None:
    _basic_site(site_dir)
    before = _snapshot(site_dir)
    result = run_cli("check", "--site", site_dir, "--now", NOW_ISO)
    _ok(result)
    assert re.fullmatch(r"checked \d+ pages: no errors", result.stderr.strip()), result.stderr
    assert not (site_dir / "public").exists()
    assert _snapshot(site_dir) == before
    assert sorted(p.name for p in site_dir.iterdir()) == ["content", "site.yaml"]


def test_check_exits_1_on_a_content_error_and_writes_nothing(site_dir: Path) -> None:
    _basic_site(site_dir)
    (site_dir / "content/articles/bad.md").write_text(article("Bad", "21/04/2025"), encoding="utf-8")
    result = run_cli("check", "--site", site_dir, "--now", NOW_ISO)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [
        "content/articles/bad.md:3: error: 'date' is not a date: \"21/04/2025\"; "
        "expected YYYY-MM-DD or YYYY-MM-DD HH:MM, optionally with a zone like +03:00",
        "1 error in 1 file; nothing was written",
    ]
    assert not (site_dir / "public").exists()


BAD_CONFIG = """\
title: Test Desk
timezone: Mars/Olympus
titel: Oops
permalinks:
  article: /{section}/{yaer}/{slug}/
pagination:
  per_page: many
"""


@pytest.mark.parametrize("command", ["build", "check"])
def test_every_config_error_is_listed_with_its_line(site_dir: Path, command: str) -> None:
    _basic_site(site_dir)
    write_site(site_dir, {}, config=BAD_CONFIG)
    result = run_cli(command, "--site", site_dir, "--now", NOW_ISO)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "site.yaml:2: error: 'timezone' is not a known time zone: 'Mars/Olympus'; "
        "use a name like 'Europe/London' or 'Asia/Tehran'",
        "site.yaml:3: error: unknown setting 'titel' (did you mean 'title'?); "
        "settings for templates go under 'params:'",
        "site.yaml:5: error: 'permalinks.article' uses unknown placeholder '{yaer}' (did you mean 'year'?); "
        "it may use {day}, {month}, {section}, {slug}, {year}",
        "site.yaml:7: error: 'pagination.per_page' must be a whole number, not 'many'",
        "4 errors in 1 file; nothing was written",
    ]
    assert not (site_dir / "public").exists()


@pytest.mark.parametrize("now", ["yesterday", "2026-13-01", "26/11/2026", ""])
def test_a_bad_now_is_a_usage_error(site_dir: Path, now: str) -> None:
    _basic_site(site_dir)
    result = run_cli("build", "--site", site_dir, "--now", now)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("alwaght-ssg: error: --now "), result.stderr
    assert "Traceback" not in result.stderr
    assert not (site_dir / "public").exists()


# --- what a build shows: now, drafts, scheduled ----------------------------------------------

PUBLISHED = "public/news/2026/11/published-piece/index.html"
DRAFT = "public/news/2026/11/draft-piece/index.html"
SCHEDULED = "public/news/2026/12/scheduled-piece/index.html"


def _mixed_site(root: Path) -> Path:
    return write_site(
        root,
        {
            "content/articles/published-piece.md": article("Published piece", "2026-11-20 09:00"),
            "content/articles/draft-piece.md": article("Draft piece", "2026-11-21 09:00", draft="true"),
            "content/articles/scheduled-piece.md": article("Scheduled piece", "2026-12-01 09:00"),
        },
    )


def _epoch(text: str) -> str:
    return str(int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()))


@pytest.mark.parametrize(
    ("epoch", "shown"),
    [("2026-11-26T12:00:00", False), ("2026-12-01T08:59:00", False), ("2026-12-01T09:00:00", True)],
)
def test_source_date_epoch_sets_now(site_dir: Path, epoch: str, shown: bool) -> None:
    _mixed_site(site_dir)
    result = run_cli("build", "--site", site_dir, env={"SOURCE_DATE_EPOCH": _epoch(epoch)})
    _ok(result)
    assert (site_dir / SCHEDULED).exists() is shown
    assert (site_dir / PUBLISHED).exists()
    home = (site_dir / "public/index.html").read_text(encoding="utf-8")
    assert ("Scheduled piece" in home) is shown


def test_a_bad_source_date_epoch_is_a_usage_error(site_dir: Path) -> None:
    _mixed_site(site_dir)
    result = run_cli("build", "--site", site_dir, env={"SOURCE_DATE_EPOCH": "last tuesday"})
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("alwaght-ssg: error: SOURCE_DATE_EPOCH "), result.stderr
    assert not (site_dir / "public").exists()


@pytest.mark.parametrize(
    ("flags", "draft", "scheduled"),
    [
        ((), False, False),
        (("--drafts",), True, False),
        (("--future",), False, True),
        (("--drafts", "--future"), True, True),
    ],
)
def test_drafts_and_future_flags(site_dir: Path, flags: tuple[str, ...], draft: bool, scheduled: bool) -> None:
    _mixed_site(site_dir)
    result = run_cli("build", "--site", site_dir, "--now", NOW_ISO, *flags)
    _ok(result)
    assert (site_dir / PUBLISHED).is_file()
    assert (site_dir / DRAFT).exists() is draft
    assert (site_dir / SCHEDULED).exists() is scheduled
    pages = "".join(p.read_text(encoding="utf-8") for p in (site_dir / "public").rglob("*.html"))
    assert ("Draft piece" in pages) is draft
    assert ("Scheduled piece" in pages) is scheduled


# --- new article --------------------------------------------------------------------------


def _front_matter(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    data = yaml.safe_load(text.split("---\n")[1])
    assert isinstance(data, dict)
    return data


def test_new_article_writes_front_matter_and_builds(site_dir: Path) -> None:
    write_site(site_dir, {})
    result = run_cli(
        "new", "article", "Title", "--site", site_dir, "--section", "analysis", "--tags", "a, b", "--now", NOW_ISO
    )
    _ok(result)
    assert result.stdout.strip() == "content/articles/2026/11/title.md"
    path = site_dir / "content/articles/2026/11/title.md"
    assert _front_matter(path) == {
        "title": "Title",
        "date": "2026-11-26 12:00",
        "section": "analysis",
        "tags": ["a", "b"],
        "draft": True,
    }
    # A new article is a draft: shown with --drafts, left out otherwise.
    _ok(run_cli("build", "--site", site_dir, "--now", NOW_ISO))
    assert not (site_dir / "public/analysis/2026/11/title/index.html").exists()
    _ok(run_cli("build", "--site", site_dir, "--now", NOW_ISO, "--drafts"))
    assert (site_dir / "public/analysis/2026/11/title/index.html").is_file()
    assert (site_dir / "public/tags/a/index.html").is_file()


def test_new_article_never_overwrites(site_dir: Path) -> None:
    write_site(site_dir, {})
    args = ("new", "article", "Title", "--site", site_dir, "--section", "analysis", "--now", NOW_ISO)
    _ok(run_cli(*args))
    path = site_dir / "content/articles/2026/11/title.md"
    path.write_text(path.read_text(encoding="utf-8") + "The editor's work.\n", encoding="utf-8")
    before = path.read_bytes()
    result = run_cli(*args)
    assert result.returncode == 2, result.stderr
    assert result.stderr == (
        "alwaght-ssg: error: content/articles/2026/11/title.md already exists; choose another title\n"
    )
    assert path.read_bytes() == before


def test_new_article_with_an_unknown_section(site_dir: Path) -> None:
    write_site(site_dir, {})
    result = run_cli("new", "article", "Title", "--site", site_dir, "--section", "anaylsis", "--now", NOW_ISO)
    assert result.returncode == 2, result.stderr
    assert result.stderr == (
        "alwaght-ssg: error: unknown section 'anaylsis' (did you mean 'analysis'?); "
        "declared in site.yaml: news, report, analysis, interview, opinion\n"
    )
    assert not (site_dir / "content").exists()


# --- init ---------------------------------------------------------------------------------


def test_init_makes_a_site_that_builds_without_warnings(tmp_path: Path) -> None:
    target = tmp_path / "newsroom"
    result = run_cli("init", target, cwd=tmp_path)
    _ok(result)
    assert (target / "site.yaml").is_file()
    result = run_cli("build", "--site", target, "--now", NOW_ISO, cwd=tmp_path)
    _ok(result)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and _BUILT.fullmatch(lines[0]), result.stderr
    assert (target / "public/index.html").is_file()
    strict = run_cli("check", "--site", target, "--now", NOW_ISO, "--strict", cwd=tmp_path)
    _ok(strict)


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.txt").write_text("keep me\n", encoding="utf-8")
    result = run_cli("init", target, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("alwaght-ssg: error: "), result.stderr
    assert "not empty" in result.stderr
    assert _snapshot(target) == {"notes.txt": b"keep me\n"}


# --- the output folder --------------------------------------------------------------------


@pytest.mark.parametrize("where", ["site", "parent"])
def test_out_may_not_contain_the_site(site_dir: Path, where: str) -> None:
    _basic_site(site_dir)
    out = site_dir if where == "site" else site_dir.parent
    before = _snapshot(site_dir.parent)
    result = run_cli("build", "--site", site_dir, "--out", out, "--now", NOW_ISO)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("alwaght-ssg: error: --out "), result.stderr
    assert "Traceback" not in result.stderr
    assert _snapshot(site_dir.parent) == before
    assert sorted(p.name for p in site_dir.iterdir()) == ["content", "site.yaml"]


def test_out_refuses_a_folder_we_did_not_make(site_dir: Path, tmp_path: Path) -> None:
    _basic_site(site_dir)
    out = tmp_path / "documents"
    (out / "2025").mkdir(parents=True)
    (out / "2025/report.txt").write_text("the annual report\n", encoding="utf-8")
    (out / "index.html").write_text("<p>not ours</p>\n", encoding="utf-8")
    before = _snapshot(out)
    result = run_cli("build", "--site", site_dir, "--out", out, "--now", NOW_ISO)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("alwaght-ssg: error: "), result.stderr
    assert "was not written by alwaght-ssg" in result.stderr
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["documents", "site"]


def test_out_elsewhere_is_written(site_dir: Path, tmp_path: Path) -> None:
    _basic_site(site_dir)
    out = tmp_path / "www"
    _ok(run_cli("build", "--site", site_dir, "--out", out, "--now", NOW_ISO))
    assert (out / "index.html").is_file()
    assert not (site_dir / "public").exists()


def test_deleted_content_disappears_on_the_next_build(site_dir: Path) -> None:
    _basic_site(site_dir)
    _ok(run_cli("build", "--site", site_dir, "--now", NOW_ISO))
    page = site_dir / "public/news/2026/11/budget-vote/index.html"
    assert page.is_file()
    assert (site_dir / "public/tags/economy/index.html").is_file()
    (site_dir / "content/articles/budget-vote.md").unlink()
    _ok(run_cli("build", "--site", site_dir, "--now", NOW_ISO))
    assert not page.exists()
    assert not (site_dir / "public/news/2026/11/budget-vote").exists()
    assert not (site_dir / "public/tags/economy").exists()
    assert "Budget vote delayed" not in (site_dir / "public/index.html").read_text(encoding="utf-8")
    assert (site_dir / "public/analysis/2026/11/oil-prices/index.html").is_file()


# --- entry points -------------------------------------------------------------------------


def test_build_py_help_from_the_repository_root() -> None:
    result = subprocess.run(
        [sys.executable, "build.py", "--help"], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    _ok(result)
    assert result.stdout.startswith("usage: ")
    for option in ("--out", "--now", "--drafts", "--future", "--base-url"):
        assert option in result.stdout


def test_python_m_version() -> None:
    result = run_cli("--version")
    _ok(result)
    assert result.stdout == f"alwaght-ssg {__version__}\n"


# --- base URL -----------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action") and value is not None:
                self.urls.append(value)


def test_base_url_prefixes_every_internal_link(site_dir: Path) -> None:
    write_site(
        site_dir,
        {
            "content/topics/nuclear-talks.md": """\
                ---
                title: "Nuclear talks"
                summary: "The negotiations in Vienna."
                ---
                """,
            "content/pages/about.md": """\
                ---
                title: "About us"
                ---

                Who we are.
                """,
            "content/articles/budget-vote.md": article(
                "Budget vote delayed",
                "2026-11-20 09:00",
                tags="[economy, parliament]",
                topics="[nuclear-talks]",
                image="/images/budget.svg",
                image_alt='"The parliament building"',
            ),
            "content/articles/oil-prices.md": article(
                "Oil prices fall", "2026-10-21 09:00", section="analysis", tags="[economy]"
            ),
            "static/images/budget.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>\n',
        },
    )
    result = run_cli("build", "--site", site_dir, "--now", NOW_ISO, "--base-url", "https://example.org/newsroom/")
    _ok(result)
    assert "warning" not in result.stderr, result.stderr
    public = site_dir / "public"
    assert (public / "index.html").is_file(), "the output folder is the base URL's root"
    checked, wrong = 0, []
    for page in sorted(public.rglob("*.html")):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for url in parser.urls:
            parts = urlsplit(url)
            if url.startswith("#") or parts.scheme in ("mailto", "tel", "data"):
                continue
            if parts.netloc and parts.netloc != "example.org":
                continue  # a link to another site
            checked += 1
            path = parts.path if parts.netloc else url
            if (parts.netloc and parts.scheme != "https") or not path.startswith("/newsroom/"):
                wrong.append(f"{page.relative_to(public)}: {url}")
    assert wrong == []
    assert checked > 100
    article_page = (public / "news/2026/11/budget-vote/index.html").read_text(encoding="utf-8")
    assert 'src="/newsroom/images/budget.svg"' in article_page
    assert 'href="/newsroom/tags/economy/"' in article_page
    assert 'href="/newsroom/topics/nuclear-talks/"' in article_page
