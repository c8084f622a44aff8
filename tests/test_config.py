"""config.load_config: defaults, every mistake reported at its line, base_url handling."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from alwaght_ssg.config import (
    DEFAULT_PERMALINKS,
    DEFAULT_SECTIONS,
    Link,
    MostViewedConfig,
    RelatedConfig,
    SectionConfig,
    SiteConfig,
    load_config,
    normalise_base_url,
)
from alwaght_ssg.problems import Problem, Problems


def _load(tmp_path: Path, text: str) -> tuple[SiteConfig | None, Problems]:
    (tmp_path / "site.yaml").write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    problems = Problems()
    return load_config(tmp_path, problems), problems


def _ok(tmp_path: Path, text: str) -> SiteConfig:
    config, problems = _load(tmp_path, text)
    assert config is not None, [p.format() for p in problems]
    assert not problems.errors
    return config


def _errors(tmp_path: Path, text: str) -> list[Problem]:
    config, problems = _load(tmp_path, text)
    assert config is None
    assert problems.errors
    assert all(p.path == "site.yaml" for p in problems.errors)
    return problems.errors


def _at(errors: list[Problem], line: int) -> str:
    found = [p.message for p in errors if p.line == line]
    assert len(found) == 1, (line, [p.format() for p in errors])
    return found[0]


# ---------------------------------------------------------------- defaults


def test_defaults(tmp_path: Path) -> None:
    config = _ok(tmp_path, "title: Desk\n")
    assert config.root == tmp_path
    assert config.title == "Desk"
    assert config.tagline == "News & Analysis Website"
    assert config.description == ""
    assert config.base_url == "/"
    assert config.base_path == "/"
    assert config.origin == ""
    assert config.language == "en"
    assert config.timezone == "UTC"
    assert config.slug_mode == "transliterate"
    assert config.date_format == "EEEE d MMMM y"
    assert config.sections == tuple(SectionConfig(s, t) for s, t in DEFAULT_SECTIONS)
    assert config.permalinks == DEFAULT_PERMALINKS
    assert config.per_page == 20
    assert config.home_news == 10
    assert config.home_editors_choice == 6
    assert config.related == RelatedConfig()
    assert config.most_viewed == MostViewedConfig()
    assert config.comments_endpoint == ""
    assert config.promos == ()
    assert config.menu == ()
    assert config.footer == ""
    assert config.params == {}
    assert config.content_dir == tmp_path / "content"


def test_every_setting_read(tmp_path: Path) -> None:
    config = _ok(
        tmp_path,
        """
        title: Alwaght
        tagline: Daily
        description: News from the region
        base_url: https://example.org/newsroom/
        language: fa
        timezone: Asia/Tehran
        slug_mode: unicode
        date_format: d MMMM y
        sections:
          - news
          - slug: opinion
            title: Views
            description: Columns
        permalinks:
          article: /{section}/{year}/{month}/{day}/{slug}/
          tag: /t/{tag}/
        pagination:
          per_page: 12
        home:
          news: 8
          editors_choice: 4
        related:
          count: 3
          topic_weight: 4
          tag_weight: 0.5
          threshold: 2
          max_tag_share: 0.5
        most_viewed:
          count: 7
          page_count: 15
          show_counts: false
          day: 2
          week: 14
          month: 60
          measure: visitors
          until: latest
          bots: [NewsMonitor]
          export_days: 30
        comments:
          endpoint: https://comments.example.org/post
        promos:
          - title: Podcast
            url: https://example.org/podcast
            text: Listen
        menu:
          - title: About
            url: /about/
        footer: (c) Desk
        params:
          anything: [1, 2]
        """,
    )
    assert config.tagline == "Daily"
    assert config.description == "News from the region"
    assert config.language == "fa"
    assert config.tz.key == "Asia/Tehran"
    assert config.slug_mode == "unicode"
    assert config.date_format == "d MMMM y"
    assert config.sections == (SectionConfig("news", "News"), SectionConfig("opinion", "Views", "Columns"))
    assert config.permalinks["article"] == "/{section}/{year}/{month}/{day}/{slug}/"
    assert config.permalinks["tag"] == "/t/{tag}/"
    assert config.permalinks["page"] == DEFAULT_PERMALINKS["page"]
    assert config.per_page == 12
    assert (config.home_news, config.home_editors_choice) == (8, 4)
    assert config.related == RelatedConfig(3, 4.0, 0.5, 2.0, 0.5)
    assert isinstance(config.related.topic_weight, float)
    assert config.most_viewed == MostViewedConfig(
        count=7, page_count=15, show_counts=False, day=2, week=14, month=60,
        measure="visitors", until="latest", bots=("NewsMonitor",), export_days=30,
    )  # fmt: skip
    assert config.comments_endpoint == "https://comments.example.org/post"
    assert config.promos == (Link("Podcast", "https://example.org/podcast", "Listen"),)
    assert config.menu == (Link("About", "/about/"),)
    assert config.footer == "(c) Desk"
    assert config.params == {"anything": [1, 2]}


def test_section_title_defaults_from_slug(tmp_path: Path) -> None:
    config = _ok(tmp_path, "title: Desk\nsections: [world-news]\n")
    assert config.sections == (SectionConfig("world-news", "World News"),)


def test_empty_value_means_default(tmp_path: Path) -> None:
    config = _ok(tmp_path, "title: Desk\ntimezone:\nrelated:\n")
    assert config.timezone == "UTC"
    assert config.related == RelatedConfig()


def test_bom_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_bytes("\ufefftitle: Desk\n".encode())
    problems = Problems()
    config = load_config(tmp_path, problems)
    assert config is not None
    assert config.title == "Desk"


# ---------------------------------------------------------------- missing or unreadable


def test_missing_file(tmp_path: Path) -> None:
    problems = Problems()
    assert load_config(tmp_path, problems) is None
    [problem] = problems.errors
    assert problem.path == "site.yaml"
    assert "no site.yaml" in problem.message


def test_invalid_yaml_is_reported_at_its_line(tmp_path: Path) -> None:
    errors = _errors(tmp_path, "title: Desk\nbase_url: a: b\n")
    assert "invalid YAML" in _at(errors, 2)


def test_missing_title(tmp_path: Path) -> None:
    errors = _errors(tmp_path, "timezone: UTC\n")
    [problem] = errors
    assert "'title' is required" in problem.message


# ---------------------------------------------------------------- errors, all together, each at its line


BROKEN = """
title: Desk
titel: typo
base_url: 42
language: xx-notalang
timezone: Mars/Olympus
slug_mode: ascii
pagination:
  per_page: twenty
home:
  newz: 3
related:
  count: five
  cuont: 3
permalinks:
  article: /{section}/{yaer}/{slug}/
  page: "{slug}"
sections:
  - news
  - News
  - news
most_viewed:
  count: 0
  measure: hits
  until: yesterday
  bots: [1]
"""


@pytest.fixture
def broken(tmp_path: Path) -> list[Problem]:
    return _errors(tmp_path, BROKEN)


def test_all_errors_reported_together(broken: list[Problem]) -> None:
    assert [p.line for p in broken] == [2, 3, 4, 5, 6, 8, 10, 12, 13, 15, 16, 19, 20, 22, 23, 24, 25]


def test_unknown_top_level_key_with_did_you_mean(broken: list[Problem]) -> None:
    message = _at(broken, 2)
    assert "unknown setting 'titel'" in message
    assert "did you mean 'title'?" in message
    assert "params:" in message


def test_unknown_nested_key_with_did_you_mean(broken: list[Problem]) -> None:
    message = _at(broken, 10)
    assert "unknown setting 'home.newz'" in message
    assert "did you mean 'news'?" in message
    message = _at(broken, 13)
    assert "unknown setting 'related.cuont'" in message
    assert "did you mean 'count'?" in message


def test_wrong_types(broken: list[Problem]) -> None:
    assert "'base_url' must be text" in _at(broken, 3)
    assert "42" in _at(broken, 3)
    assert "'pagination.per_page' must be a whole number" in _at(broken, 8)
    assert "'twenty'" in _at(broken, 8)
    assert "'related.count' must be a whole number" in _at(broken, 12)
    assert "'five'" in _at(broken, 12)


def test_bad_language(broken: list[Problem]) -> None:
    assert "not a known language code" in _at(broken, 4)
    assert "'xx-notalang'" in _at(broken, 4)


def test_bad_timezone(broken: list[Problem]) -> None:
    message = _at(broken, 5)
    assert "not a known time zone" in message
    assert "'Mars/Olympus'" in message


def test_bad_slug_mode(broken: list[Problem]) -> None:
    message = _at(broken, 6)
    assert "'transliterate', 'unicode'" in message
    assert "'ascii'" in message


def test_bad_permalink_placeholder(broken: list[Problem]) -> None:
    message = _at(broken, 15)
    assert "unknown placeholder '{yaer}'" in message
    assert "did you mean 'year'?" in message
    assert "{slug}" in message and "{day}" in message


def test_permalink_without_slashes(broken: list[Problem]) -> None:
    message = _at(broken, 16)
    assert "'permalinks.page' must start and end with '/'" in message


def test_section_slug_not_lower_case(broken: list[Problem]) -> None:
    assert "lower-case" in _at(broken, 19)
    assert "'News'" in _at(broken, 19)


def test_duplicate_section(broken: list[Problem]) -> None:
    message = _at(broken, 20)
    assert "'news'" in message and "twice" in message


def test_not_positive(broken: list[Problem]) -> None:
    assert "'most_viewed.count' must be 1 or more" in _at(broken, 22)


def test_most_viewed_choices(broken: list[Problem]) -> None:
    assert _at(broken, 23) == "'most_viewed.measure' must be one of 'views', 'visitors', not 'hits'"
    assert _at(broken, 24) == "'most_viewed.until' must be one of 'now', 'latest', not 'yesterday'"
    assert "'most_viewed.bots' must be a list of user-agent words" in _at(broken, 25)


def test_unknown_key_in_list_item(tmp_path: Path) -> None:
    errors = _errors(tmp_path, "title: Desk\nsections:\n  - slug: news\n    titel: News\n")
    message = _at(errors, 4)
    assert "unknown setting 'sections.0.titel'" in message
    assert "did you mean 'title'?" in message


def test_unknown_permalink_kind(tmp_path: Path) -> None:
    errors = _errors(tmp_path, "title: Desk\npermalinks:\n  tags: /t/{tag}/\n")
    message = _at(errors, 3)
    assert "unknown setting 'permalinks.tags'" in message
    assert "did you mean 'tag'?" in message


def test_permalink_missing_trailing_slash(tmp_path: Path) -> None:
    errors = _errors(tmp_path, "title: Desk\npermalinks:\n  tag: /tags/{tag}\n")
    assert "must start and end with '/'" in _at(errors, 3)


def test_article_permalink_needs_slug(tmp_path: Path) -> None:
    errors = _errors(tmp_path, "title: Desk\npermalinks:\n  article: /{section}/{year}/\n")
    assert "must contain {slug}" in _at(errors, 3)


def test_placeholder_allowed_in_one_kind_only(tmp_path: Path) -> None:
    errors = _errors(tmp_path, "title: Desk\npermalinks:\n  tag: /{section}/{tag}/\n")
    assert "unknown placeholder '{section}'" in _at(errors, 3)


def test_wrong_type_for_table(tmp_path: Path) -> None:
    errors = _errors(tmp_path, "title: Desk\nrelated: 5\n")
    assert "'related' must be a mapping" in _at(errors, 2)


def test_sections_not_a_list(tmp_path: Path) -> None:
    errors = _errors(tmp_path, "title: Desk\nsections: news\n")
    assert "'sections' must be a list" in _at(errors, 2)


def test_bool_is_not_a_whole_number(tmp_path: Path) -> None:
    errors = _errors(tmp_path, "title: Desk\npagination:\n  per_page: true\n")
    assert "must be a whole number" in _at(errors, 3)


def test_max_tag_share_range(tmp_path: Path) -> None:
    errors = _errors(tmp_path, "title: Desk\nrelated:\n  max_tag_share: 0\n")
    assert "max_tag_share" in _at(errors, 3)


def test_menu_entry_needs_title_and_url(tmp_path: Path) -> None:
    errors = _errors(tmp_path, "title: Desk\nmenu:\n  - title: About\n  - url: /x/\n")
    assert "needs 'title:' and 'url:'" in _at(errors, 3)
    assert "needs 'title:' and 'url:'" in _at(errors, 4)


def test_duplicate_key_in_site_yaml(tmp_path: Path) -> None:
    errors = _errors(tmp_path, "title: Desk\ntimezone: UTC\ntimezone: Asia/Dubai\n")
    message = _at(errors, 3)
    assert "duplicate key 'timezone'" in message and "line 2" in message


# ---------------------------------------------------------------- base_url


@pytest.mark.parametrize(
    ("written", "base_url", "base_path", "origin"),
    [
        ("/", "/", "/", ""),
        ("https://example.org", "https://example.org/", "/", "https://example.org"),
        ("https://example.org/", "https://example.org/", "/", "https://example.org"),
        ("https://example.org/newsroom", "https://example.org/newsroom/", "/newsroom/", "https://example.org"),
        ("https://example.org/newsroom/", "https://example.org/newsroom/", "/newsroom/", "https://example.org"),
        ("http://localhost:8000/", "http://localhost:8000/", "/", "http://localhost:8000"),
        ("/newsroom", "/newsroom/", "/newsroom/", ""),
        ("newsroom", "/newsroom/", "/newsroom/", ""),
    ],
)
def test_base_url_normalised(tmp_path: Path, written: str, base_url: str, base_path: str, origin: str) -> None:
    config = _ok(tmp_path, f"title: Desk\nbase_url: '{written}'\n")
    assert config.base_url == base_url
    assert config.base_path == base_path
    assert config.origin == origin


def test_normalise_base_url_strips_spaces() -> None:
    assert normalise_base_url("  https://example.org/newsroom  ") == "https://example.org/newsroom/"


def test_with_base_url_overrides(tmp_path: Path) -> None:
    config = _ok(tmp_path, "title: Desk\nbase_url: https://example.org/\n")
    moved = config.with_base_url("/preview")
    assert moved.base_url == "/preview/"
    assert moved.base_path == "/preview/"
    assert moved.origin == ""
    assert moved.title == "Desk"
    assert config.base_url == "https://example.org/"


@pytest.mark.parametrize(
    ("kind", "pattern", "missing"),
    [("tag", "/tags/", "{tag}"), ("archive", "/archive/{year}/", "{month}"), ("page", "/p/", "{slug}")],
)
def test_permalink_must_use_its_own_placeholder(tmp_path: Path, kind: str, pattern: str, missing: str) -> None:
    errors = _errors(tmp_path, f"title: T\npermalinks:\n  {kind}: {pattern}\n")
    assert [(e.line, e.message) for e in errors] == [(3, f"'permalinks.{kind}' must contain {missing}: '{pattern}'")]


def test_gallery_and_image_settings(tmp_path: Path) -> None:
    config = _ok(tmp_path, "title: T\ngallery:\n  per_page: 12\n  home: 4\nimages:\n  widths: [1200, 640, 640]\n")
    assert (config.gallery.per_page, config.gallery.home) == (12, 4)
    assert config.image_widths == (640, 1200)
    errors = _errors(tmp_path, "title: T\ngallery:\n  home: 0\nimages:\n  widths: [10, wide]\n")
    assert [(p.line, p.message) for p in errors] == [
        (3, "'gallery.home' must be 1 or more, not 0"),
        (5, "'images.widths' must be a list of widths in pixels between 16 and 8192"),
    ]
