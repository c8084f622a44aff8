"""Template mistakes are errors at templates/x.html:LINE, never blanks or tracebacks,
and a build that fails on one leaves the previous output as it was."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import NOW_ISO, article, run_cli, tree, write_site

CASES = {  # name -> (file in templates/, its text, the line the editor reads)
    "unknown variable": (
        "article.html",
        '{% extends "base.html" %}\n{% block main %}\n<p>{{ page.article.titel }}</p>\n{% endblock %}\n',
        "templates/article.html:3: error: template error: 'alwaght_ssg.model.Article object' has no "
        "attribute 'titel' (rendering /news/2026/11/a/)",
    ),
    "syntax error": (
        "article.html",
        '{% extends "base.html" %}\n{% block main %}\n<p>{{ page.article.title }</p>\n{% endblock %}\n',
        "templates/article.html:3: error: template syntax: unexpected '}'",
    ),
    "missing template": (
        "article.html",
        '{% extends "nobase.html" %}\n',
        "templates/article.html: error: template not found: nobase.html; add it to templates/ or fix the name",
    ),
    "syntax error in a partial every page includes": (
        "partials/rail.html",
        "<aside>\n{% for story in %}\n</aside>\n",
        "templates/partials/rail.html:2: error: template syntax: Expected an expression, got 'end of statement block'",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_template_problem_is_reported_at_its_line(site_dir: Path, case: str) -> None:
    name, template, expected = CASES[case]
    write_site(site_dir, {"content/articles/a.md": article()})
    assert run_cli("build", "--site", site_dir, "--now", NOW_ISO).returncode == 0
    public, cache = site_dir / "public", site_dir / ".cache"
    previous = tree(public)
    write_site(site_dir, {f"templates/{name}": template}, config=None)
    around = tree(site_dir.parent, skip=(public, cache))

    result = run_cli("build", "--site", site_dir, "--now", NOW_ISO)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [expected, "1 error in 1 file; nothing was written"]
    assert "Traceback" not in result.stderr
    assert tree(public) == previous
    assert tree(site_dir.parent, skip=(public, cache)) == around


def test_a_site_template_overrides_the_theme_and_falls_back_for_the_rest(site_dir: Path) -> None:
    override = '{% extends "base.html" %}\n{% block main %}<p class="mine">{{ page.page.title }}</p>{% endblock %}\n'
    write_site(
        site_dir,
        {
            "content/articles/a.md": article(),
            "content/pages/about.md": "---\ntitle: About us\n---\nText.\n",
            "templates/page.html": override,
        },
    )
    result = run_cli("build", "--site", site_dir, "--now", NOW_ISO)
    assert result.returncode == 0, result.stderr
    assert '<p class="mine">About us</p>' in (site_dir / "public" / "about" / "index.html").read_text()
    assert 'class="story-body"' in (site_dir / "public" / "news" / "2026" / "11" / "a" / "index.html").read_text()


def test_a_mistake_every_page_shares_is_reported_once(site_dir: Path) -> None:
    write_site(site_dir, {f"content/articles/{slug}.md": article(title=slug) for slug in ("a", "b", "c")})
    write_site(site_dir, {"templates/partials/rail.html": "<p>\n{{ site.nothing.here }}\n</p>\n"}, config=None)
    result = run_cli("build", "--site", site_dir, "--now", NOW_ISO)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 2, lines
    first, count = re.fullmatch(
        r"templates/partials/rail\.html:2: error: template error: .*'nothing'.* "
        r"\(rendering (/\S*) and (\d+) other pages\)",
        lines[0],
    ).groups()  # type: ignore[union-attr]
    assert first == "/404.html"  # the first in URL order stands for the rest
    assert int(count) >= 5  # three articles, their section, the archive ...
    assert lines[1] == "1 error in 1 file; nothing was written"
