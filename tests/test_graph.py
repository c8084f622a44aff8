"""graph.build_site: front matter checked once, cross-references resolved once, a frozen Site."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from alwaght_ssg.config import load_config
from alwaght_ssg.graph import Visibility, build_site
from alwaght_ssg.load import read_sources
from alwaght_ssg.model import Article, Site
from alwaght_ssg.problems import Problem, Problems
from conftest import MINIMAL_CONFIG, NOW, article, write_site

A = "content/articles"
VISIBLE_DEFAULT = Visibility()


def _build(
    root: Path,
    files: dict[str, str],
    config: str = MINIMAL_CONFIG,
    visibility: Visibility = VISIBLE_DEFAULT,
) -> tuple[Site, Problems]:
    write_site(root, files, config)
    problems = Problems()
    site_config = load_config(root, problems)
    assert site_config is not None, [p.format() for p in problems]
    sources = read_sources(root, problems)
    assert not problems.errors, [p.format() for p in problems]
    site = build_site(sources, site_config, NOW, problems, visibility)
    return site, problems


def _by_slug(site: Site) -> dict[str, Article]:
    return {a.slug: a for a in site.articles}


def _only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, [p.format() for p in problems]
    return problems[0]


# ---------------------------------------------------------------- tags


def test_tags_merged_across_case_and_accents_with_warning(site_dir: Path) -> None:
    site, problems = _build(
        site_dir,
        {
            f"{A}/a.md": article("A", tags="[Iran, Trade]"),
            f"{A}/b.md": article("B", tags="[Iran]"),
            f"{A}/c.md": article("C", tags="[iran]"),
            f"{A}/d.md": article("D", tags="[Irán]"),
        },
    )
    assert not problems.errors
    assert [(t.slug, t.name) for t in site.tags] == [("iran", "Iran"), ("trade", "Trade")]
    assert {a.slug for a in site.by_tag["iran"]} == {"a", "b", "c", "d"}
    assert site.count("tag", "iran") == 4
    by_slug = _by_slug(site)
    assert by_slug["c"].tags[0] is by_slug["a"].tags[0]  # one Tag object, shown as "Iran"
    assert by_slug["d"].tags[0].name == "Iran"
    assert site.tags[0].url == "/tags/iran/"
    warned = sorted((p.path, p.line) for p in problems.warnings)
    assert warned == [(f"{A}/c.md", 4), (f"{A}/d.md", 4)]
    assert all("'Iran'" in p.message and "one tag" in p.message for p in problems.warnings)


def test_tags_merged_by_case_in_unicode_mode(site_dir: Path) -> None:
    site, problems = _build(
        site_dir,
        {
            f"{A}/a.md": article("A", tags="[Économie, اقتصاد]"),
            f"{A}/b.md": article("B", tags="[Économie]"),
            f"{A}/c.md": article("C", tags="[économie, اقتصاد]"),
        },
        config=MINIMAL_CONFIG + "slug_mode: unicode\n",
    )
    assert not problems.errors
    assert sorted((t.slug, t.name) for t in site.tags) == [("économie", "Économie"), ("اقتصاد", "اقتصاد")]
    assert _only(problems.warnings).path == f"{A}/c.md"


def test_tags_as_unquoted_comma_text(site_dir: Path) -> None:
    site, problems = _build(site_dir, {f"{A}/a.md": article("A", tags="Oil, Gas")})
    assert not problems
    assert [t.name for t in site.articles[0].tags] == ["Oil", "Gas"]


def test_tags_as_comma_string(site_dir: Path) -> None:
    site, problems = _build(site_dir, {f"{A}/a.md": article("A", tags='"Oil, Gas ,  , Oil"')})
    assert not problems.errors
    [a] = site.articles
    assert [t.name for t in a.tags] == ["Oil", "Gas"]
    assert [t.slug for t in a.tags] == ["oil", "gas"]


def test_tags_in_written_order_and_deduplicated_by_slug(site_dir: Path) -> None:
    site, _ = _build(site_dir, {f"{A}/a.md": article("A", tags="[Zeta, alpha, ZETA]")})
    [a] = site.articles
    assert [t.slug for t in a.tags] == ["zeta", "alpha"]


def test_tag_without_letters_is_an_error(site_dir: Path) -> None:
    _, problems = _build(site_dir, {f"{A}/a.md": article("A", tags='["!!!"]')})
    problem = _only(problems.errors)
    assert (problem.path, problem.line) == (f"{A}/a.md", 4)
    assert "'!!!'" in problem.message


# ---------------------------------------------------------------- visibility


VIS_FILES = {
    f"{A}/published.md": article("Published", date="2026-11-20 09:00"),
    f"{A}/draft.md": article("Draft", date="2026-11-21 09:00", draft="true"),
    f"{A}/scheduled.md": article("Scheduled", date="2026-12-01 09:00"),
}


def test_drafts_and_scheduled_hidden_by_default(site_dir: Path) -> None:
    site, problems = _build(site_dir, VIS_FILES)
    assert not problems.errors
    assert [a.slug for a in site.articles] == ["published"]
    assert site.articles[0].status == "published"
    assert site.articles[0].is_published
    assert [a.slug for a in site.by_section["news"]] == ["published"]
    assert [(m.year, m.month, m.count) for m in site.months] == [(2026, 11, 1)]
    assert site.count("section", "news") == 1


def test_hidden_articles_leave_no_trace_in_indexes(site_dir: Path) -> None:
    site, _ = _build(
        site_dir,
        {
            f"{A}/a.md": article("A", date="2026-10-01", author="Shown Writer"),
            f"{A}/b.md": article("B", date="2026-11-01", author="Draft Writer", draft="true", section="opinion"),
            f"{A}/c.md": article("C", date="2027-01-01", author="Future Writer", section="report"),
        },
    )
    assert [au.name for au in site.authors] == ["Shown Writer"]
    assert list(site.by_section) == ["news"]
    assert list(site.by_month) == [(2026, 10)]
    assert set(site.related) == {"a"}


def test_drafts_shown_when_asked(site_dir: Path) -> None:
    site, _ = _build(site_dir, VIS_FILES, visibility=Visibility(drafts=True))
    assert [(a.slug, a.status) for a in site.articles] == [("draft", "draft"), ("published", "published")]


def test_scheduled_shown_when_asked(site_dir: Path) -> None:
    site, _ = _build(site_dir, VIS_FILES, visibility=Visibility(future=True))
    assert [(a.slug, a.status) for a in site.articles] == [
        ("scheduled", "scheduled"),
        ("published", "published"),
    ]
    assert not site.articles[0].is_published


def test_both_shown_newest_first(site_dir: Path) -> None:
    site, _ = _build(site_dir, VIS_FILES, visibility=Visibility(drafts=True, future=True))
    assert [a.slug for a in site.articles] == ["scheduled", "draft", "published"]


def test_article_exactly_at_now_is_published(site_dir: Path) -> None:
    site, _ = _build(site_dir, {f"{A}/now.md": article("Now", date="2026-11-26T12:00:00+00:00")})
    assert [(a.slug, a.status) for a in site.articles] == [("now", "published")]


def test_hidden_tags_are_not_listed(site_dir: Path) -> None:
    site, _ = _build(
        site_dir,
        {
            f"{A}/a.md": article("A", tags="[Shown]"),
            f"{A}/b.md": article("B", tags="[Secret]", draft="true"),
        },
    )
    assert [t.slug for t in site.tags] == ["shown"]
    assert "secret" not in site.by_tag


# ---------------------------------------------------------------- dates


def test_updated_before_date_warns_and_is_ignored(site_dir: Path) -> None:
    site, problems = _build(site_dir, {f"{A}/a.md": article("A", date="2026-11-20 09:00", updated="2026-11-19")})
    assert not problems.errors
    warning = _only(problems.warnings)
    assert (warning.path, warning.line) == (f"{A}/a.md", 4)
    assert "'updated' is before 'date'" in warning.message
    assert site.articles[0].updated is None


def test_updated_after_date_is_kept(site_dir: Path) -> None:
    site, problems = _build(site_dir, {f"{A}/a.md": article("A", date="2026-11-20 09:00", updated="2026-11-21 10:00")})
    assert not problems
    assert site.articles[0].updated == datetime(2026, 11, 21, 10, 0, tzinfo=UTC)


def test_bad_date_is_an_error_at_its_line(site_dir: Path) -> None:
    site, problems = _build(site_dir, {f"{A}/a.md": article("A", date="21/04/2026")})
    problem = _only(problems.errors)
    assert (problem.path, problem.line) == (f"{A}/a.md", 3)
    assert '"21/04/2026"' in problem.message
    assert site.articles == ()


@pytest.mark.parametrize(
    "date",
    [
        "2026-07-31 23:30 +00:00",
        "2026-07-31T23:30:00Z",  # a YAML timestamp: PyYAML makes the datetime itself
        "2026-07-31 23:30:00 +00:00",
        '"2026-07-31T23:30:00+00:00"',
        "2026-08-01 03:30",  # naive: in the site's zone already
    ],
)
def test_article_url_uses_date_in_site_timezone(site_dir: Path, date: str) -> None:
    config = MINIMAL_CONFIG.replace("timezone: UTC", "timezone: Asia/Dubai")  # UTC+4
    site, problems = _build(site_dir, {f"{A}/late.md": article("Late", date=date)}, config=config)
    assert not problems.errors
    [a] = site.articles
    assert a.url == "/news/2026/08/late/"
    assert a.date.utcoffset() == timedelta(hours=4)
    assert (a.date.month, a.date.day, a.date.hour) == (8, 1, 3)
    assert list(site.by_month) == [(2026, 8)]
    assert site.months[0].url == "/archive/2026/08/"


def test_article_url_follows_permalink_pattern(site_dir: Path) -> None:
    config = MINIMAL_CONFIG + "permalinks:\n  article: /{year}/{month}/{day}/{section}/{slug}/\n"
    site, _ = _build(site_dir, {f"{A}/x.md": article("X", date="2026-03-05 10:00", section="opinion")}, config=config)
    assert site.articles[0].url == "/2026/03/05/opinion/x/"


def test_naive_date_is_in_site_timezone(site_dir: Path) -> None:
    config = MINIMAL_CONFIG.replace("timezone: UTC", "timezone: Asia/Tehran")
    site, _ = _build(site_dir, {f"{A}/x.md": article("X", date="2026-05-01 09:30")}, config=config)
    [a] = site.articles
    assert a.date.astimezone(UTC) == datetime(2026, 5, 1, 6, 0, tzinfo=UTC)
    assert a.date.utcoffset() == timedelta(hours=3, minutes=30)


# ---------------------------------------------------------------- sections


def test_default_section_is_first_declared(site_dir: Path) -> None:
    config = MINIMAL_CONFIG + "sections:\n  - analysis\n  - news\n"
    site, problems = _build(site_dir, {f"{A}/x.md": article("X")}, config=config)
    assert not problems.errors
    [a] = site.articles
    assert a.section.slug == "analysis"
    assert a.url.startswith("/analysis/")
    assert [s.slug for s in site.sections] == ["analysis", "news"]


def test_section_by_title_case_name(site_dir: Path) -> None:
    site, problems = _build(site_dir, {f"{A}/x.md": article("X", section="Opinion")})
    assert not problems.errors
    assert site.articles[0].section.slug == "opinion"
    assert site.articles[0].section is site.sections[-1]


def test_unknown_section_is_an_error_with_did_you_mean(site_dir: Path) -> None:
    _, problems = _build(site_dir, {f"{A}/x.md": article("X", section="analisys")})
    problem = _only(problems.errors)
    assert problem.line == 4
    assert "unknown section 'analisys'" in problem.message
    assert "did you mean 'analysis'?" in problem.message


# ---------------------------------------------------------------- related


def test_explicit_related_to_draft_dropped_silently(site_dir: Path) -> None:
    site, problems = _build(
        site_dir,
        {
            f"{A}/a.md": article("A", date="2026-11-20 09:00", related="[hidden, b]"),
            f"{A}/b.md": article("B", date="2026-11-10 09:00"),
            f"{A}/hidden.md": article("Hidden", date="2026-11-15 09:00", draft="true"),
        },
    )
    assert not problems
    assert [r.slug for r in site.related["a"]] == ["b"]
    assert "hidden" not in site.related


def test_explicit_related_to_scheduled_dropped_silently(site_dir: Path) -> None:
    site, problems = _build(
        site_dir,
        {
            f"{A}/a.md": article("A", related="[later]"),
            f"{A}/later.md": article("Later", date="2027-01-01"),
        },
    )
    assert not problems
    assert site.related["a"] == ()


def test_related_to_missing_slug_is_an_error(site_dir: Path) -> None:
    _, problems = _build(
        site_dir,
        {
            f"{A}/a.md": article("A", related="[budget-aproved]"),
            f"{A}/budget-approved.md": article("B"),
        },
    )
    problem = _only(problems.errors)
    assert (problem.path, problem.line) == (f"{A}/a.md", 4)
    assert "related article 'budget-aproved' does not exist" in problem.message
    assert "did you mean 'budget-approved'?" in problem.message


def test_related_by_file_name_of_article_with_own_slug_is_not_silently_lost(site_dir: Path) -> None:
    # b.md publishes as "custom"; "related: [b]" names no article's slug. It must
    # either resolve to that article or be reported, never vanish without a word.
    site, problems = _build(
        site_dir,
        {
            f"{A}/a.md": article("A", related="[b]"),
            f"{A}/b.md": article("B", date="2026-11-19", slug="custom"),
        },
    )
    linked = [r.slug for r in site.related["a"]]
    reported = [p for p in problems.errors if "'b'" in p.message]
    assert linked == ["custom"] or reported, (linked, [p.format() for p in problems])


def test_related_to_article_with_errors_is_not_a_second_error(site_dir: Path) -> None:
    _, problems = _build(
        site_dir,
        {
            f"{A}/a.md": article("A", related="[broken]"),
            f"{A}/broken.md": article("Broken", date="not-a-date"),
        },
    )
    problem = _only(problems.errors)
    assert problem.path == f"{A}/broken.md"


def test_related_to_self_warns(site_dir: Path) -> None:
    site, problems = _build(site_dir, {f"{A}/a.md": article("A", related="[a]")})
    assert not problems.errors
    assert "lists itself" in _only(problems.warnings).message
    assert site.related["a"] == ()


def test_related_objects_are_the_shown_articles(site_dir: Path) -> None:
    site, _ = _build(
        site_dir,
        {
            f"{A}/a.md": article("A", date="2026-11-20 09:00", tags="[Rail]"),
            f"{A}/b.md": article("B", date="2026-11-19 09:00", tags="[Rail]"),
            f"{A}/c.md": article("C", date="2026-11-18 09:00", tags="[Port]"),
        },
    )
    by_slug = _by_slug(site)
    assert site.related["a"] == (by_slug["b"],)
    assert site.related["a"][0] is by_slug["b"]
    assert site.related["c"] == ()


def test_related_by_topic(site_dir: Path) -> None:
    site, problems = _build(
        site_dir,
        {
            "content/topics/corridor.md": '---\ntitle: Corridor\nsummary: "The line."\n---\nBody.\n',
            f"{A}/a.md": article("A", date="2026-11-20 09:00", topics="[corridor]"),
            f"{A}/b.md": article("B", date="2026-11-19 09:00", topics="[corridor]"),
        },
    )
    assert not problems
    assert [r.slug for r in site.related["a"]] == ["b"]
    assert [a.slug for a in site.by_topic["corridor"]] == ["a", "b"]
    assert site.articles[0].topics[0] is site.topics[0]


def test_unknown_topic_is_an_error(site_dir: Path) -> None:
    _, problems = _build(site_dir, {f"{A}/a.md": article("A", topics="[nowhere]")})
    problem = _only(problems.errors)
    assert "unknown topic 'nowhere'" in problem.message


# ---------------------------------------------------------------- summary, extra keys


def test_summary_from_first_paragraph_when_absent(site_dir: Path) -> None:
    body = "## A heading first\n\nThe *lead* paragraph, with [a link](/x/).\n\nSecond paragraph."
    site, _ = _build(site_dir, {f"{A}/a.md": article("A", body=body)})
    assert site.articles[0].summary == "The lead paragraph, with a link."


def test_explicit_summary_wins(site_dir: Path) -> None:
    site, _ = _build(site_dir, {f"{A}/a.md": article("A", body="Lead.", summary='"Written teaser."')})
    assert site.articles[0].summary == "Written teaser."


def test_long_first_paragraph_is_shortened(site_dir: Path) -> None:
    body = " ".join(["word"] * 100)
    site, _ = _build(site_dir, {f"{A}/a.md": article("A", body=body)})
    summary = site.articles[0].summary
    assert summary.endswith("…")
    assert len(summary) <= 221


def test_unknown_key_close_to_known_warns_and_is_kept(site_dir: Path) -> None:
    site, problems = _build(site_dir, {f"{A}/a.md": article("A", editors_choise="true", mood="calm")})
    assert not problems.errors
    warning = _only(problems.warnings)
    assert (warning.path, warning.line) == (f"{A}/a.md", 4)
    assert "unknown key 'editors_choise'" in warning.message
    assert "did you mean 'editors_choice'?" in warning.message
    [a] = site.articles
    assert dict(a.extra) == {"editors_choise": True, "mood": "calm"}
    assert a.editors_choice is False


def test_missing_title_is_an_error(site_dir: Path) -> None:
    write_site(site_dir, {f"{A}/a.md": "---\ndate: 2026-11-20\n---\nBody\n"})
    problems = Problems()
    config = load_config(site_dir, problems)
    assert config is not None
    site = build_site(read_sources(site_dir, problems), config, NOW, problems)
    problem = _only(problems.errors)
    assert "'title' is required" in problem.message
    assert site.articles == ()


def test_slug_from_file_name_and_front_matter(site_dir: Path) -> None:
    site, _ = _build(
        site_dir,
        {
            f"{A}/2026/11/Rail Deal Signed.md": article("A", date="2026-11-20"),
            f"{A}/b.md": article("B", date="2026-11-19", slug="custom-slug"),
        },
    )
    assert [a.slug for a in site.articles] == ["rail-deal-signed", "custom-slug"]


def test_bad_slug_is_an_error(site_dir: Path) -> None:
    _, problems = _build(site_dir, {f"{A}/a.md": article("A", slug='"../escape"')})
    problem = _only(problems.errors)
    assert problem.line == 4
    assert "'slug'" in problem.message


def test_duplicate_slug_is_an_error(site_dir: Path) -> None:
    _, problems = _build(
        site_dir,
        {f"{A}/2025/same.md": article("A", date="2025-01-01"), f"{A}/2026/same.md": article("B")},
    )
    problem = _only(problems.errors)
    assert "two articles have the slug 'same'" in problem.message


def test_authors_and_editors_choice(site_dir: Path) -> None:
    site, _ = _build(
        site_dir,
        {
            f"{A}/a.md": article("A", author="[Lina Farouk, Omar Said]", editors_choice="true"),
            f"{A}/b.md": article("B", date="2026-11-19", author="Lina Farouk"),
        },
    )
    assert [(au.slug, au.name) for au in site.authors] == [("lina-farouk", "Lina Farouk"), ("omar-said", "Omar Said")]
    assert [a.slug for a in site.editors_choice] == ["a"]


# ---------------------------------------------------------------- the Site value


def _small_site(root: Path) -> Site:
    site, _ = _build(
        root,
        {
            "content/topics/corridor.md": '---\ntitle: Corridor\nsummary: "The line."\n---\nBody.\n',
            "content/pages/about.md": "---\ntitle: About\n---\nWho we are.\n",
            f"{A}/a.md": article("A", date="2026-11-20 09:00", tags="[Rail]", topics="[corridor]"),
            f"{A}/b.md": article("B", date="2026-10-19 09:00", tags="[Rail, Port]", related="[a]"),
        },
    )
    return site


def test_site_pickle_round_trip(site_dir: Path) -> None:
    site = _small_site(site_dir)
    copy = pickle.loads(pickle.dumps(site))
    assert copy.config == site.config
    assert copy.now == site.now
    assert [a.slug for a in copy.articles] == ["a", "b"]
    assert [a.url for a in copy.articles] == [a.url for a in site.articles]
    assert [a.body_html for a in copy.articles] == [a.body_html for a in site.articles]
    assert [t.slug for t in copy.tags] == ["port", "rail"]
    assert [p.slug for p in copy.pages] == ["about"]
    assert [t.slug for t in copy.topics] == ["corridor"]
    assert sorted(copy.by_tag) == ["port", "rail"]
    assert [a.slug for a in copy.by_tag["rail"]] == ["a", "b"]
    assert [a.slug for a in copy.related["b"]] == ["a"]
    assert list(copy.by_month) == [(2026, 11), (2026, 10)]
    assert dict(copy.most_viewed) == {"day": (), "week": (), "month": ()}
    # Shared objects stay shared after the round trip.
    assert copy.related["b"][0] is copy.articles[0]
    assert copy.by_tag["rail"][0] is copy.articles[0]


@pytest.mark.parametrize("index", ["by_section", "by_tag", "by_topic", "by_month", "related", "most_viewed"])
def test_site_indexes_are_read_only(site_dir: Path, index: str) -> None:
    site = _small_site(site_dir)
    mapping = getattr(site, index)
    key = next(iter(mapping))
    with pytest.raises(TypeError):
        mapping[key] = ()
    with pytest.raises(TypeError):
        del mapping[key]
    assert not hasattr(mapping, "update")
    assert not hasattr(mapping, "pop")


def test_site_fields_cannot_be_reassigned(site_dir: Path) -> None:
    site = _small_site(site_dir)
    with pytest.raises(AttributeError):
        site.articles = ()  # type: ignore[misc]
    with pytest.raises(AttributeError):
        site.articles[0].title = "Changed"  # type: ignore[misc]
    assert isinstance(site.articles, tuple)
    assert isinstance(site.by_tag["rail"], tuple)


def test_article_dates_are_aware(site_dir: Path) -> None:
    site = _small_site(site_dir)
    for a in site.articles:
        assert a.date.tzinfo is not None
        assert a.date.utcoffset() == timedelta(0)
