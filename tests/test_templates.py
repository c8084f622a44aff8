"""Template mistakes are errors at templates/x.html:LINE, never blanks or tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import NOW_ISO, article, run_cli, write_site

CASES = {
    "unknown variable": (
        '{% extends "base.html" %}\n{% block main %}\n<p>{{ page.article.titel }}</p>\n{% endblock %}\n',
        "templates/article.html:3: error: template error: 'alwaght_ssg.model.Article object' has no "
        "attribute 'titel' (rendering /news/2026/11/a/)",
    ),
    "syntax error": (
        '{% extends "base.html" %}\n{% block main %}\n<p>{{ page.article.title }</p>\n{% endblock %}\n',
        "templates/article.html:3: error: template syntax: unexpected '}'",
    ),
    "missing template": (
        '{% extends "nobase.html" %}\n',
        "templates/article.html: error: template not found: nobase.html; add it to templates/ or fix the name",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_template_problem_is_reported_at_its_line(site_dir: Path, case: str) -> None:
    template, expected = CASES[case]
    write_site(site_dir, {"content/articles/a.md": article(), "templates/article.html": template})
    result = run_cli("build", "--site", site_dir, "--now", NOW_ISO)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [expected, "1 error in 1 file; nothing was written"]
    assert "Traceback" not in result.stderr
    assert not (site_dir / "public").exists()


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
