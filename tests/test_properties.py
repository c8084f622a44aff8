"""Properties that hold for every input, checked with generated inputs (hypothesis).

Front-matter splitting, date parsing, and the slug -> URL -> output path chain.
Each property says what must be true of any input: a result or a clear message,
never an exception; a path inside `--out`; distinct URLs, distinct files.

The examples are derandomized (the same inputs on every run, so CI is
reproducible) and few enough for the file to run in seconds; no example
database is kept (`database=None`). Hypothesis keeps its own caches in
`.hypothesis/`, which git ignores by the file Hypothesis puts there.
"""

from __future__ import annotations

import string
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings
from hypothesis import strategies as st

from alwaght_ssg.config import SiteConfig, normalise_base_url
from alwaght_ssg.dates import EXPECTED, parse_datetime
from alwaght_ssg.problems import Problems, Severity
from alwaght_ssg.urls import check_slug, make_slug, output_path, permalink
from alwaght_ssg.yamlread import Split, split_front_matter

PROPERTY = settings(max_examples=150, derandomize=True, deadline=None, database=None)

# str.splitlines also breaks lines at \v, \f, \x1c-\x1e, \x85, \u2028 and \u2029 (YAML at the
# last three). Lines built for the round-trip properties leave those out; the
# totality properties below feed them in.
LINE_BREAKS = "\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029"
line_text = st.text(st.characters(exclude_characters=LINE_BREAKS, exclude_categories=["Cs"]), max_size=40)
newline = st.sampled_from(["\n", "\r\n"])


# ---------------------------------------------------------------- front matter


def _split(text: str) -> tuple[Split | None, list[tuple[int, Severity, str]]]:
    problems = Problems()
    split = split_front_matter(text, "a.md", problems)
    return split, [(p.line, p.severity, p.message) for p in problems]


@PROPERTY
@given(st.text(max_size=300))
@example("---")
@example("---\n---")
@example("\ufeff---\ntitle: x\n---\n")
@example("---\r\n...\r\n")
@example("---\u2028title: a\u2028---\u2028")
def test_any_text_splits_or_gets_one_clear_error(text: str) -> None:
    split, problems = _split(text)
    if split is None:
        [(line, severity, message)] = problems
        assert (line, severity) == (1, Severity.ERROR)
        assert message.startswith(("no front matter:", "front matter is never closed:"))
    else:
        assert problems == []


fence_free_line = line_text.filter(lambda line: line.rstrip() not in ("---", "..."))


@PROPERTY
@given(
    yaml_lines=st.lists(fence_free_line, max_size=8),
    body_lines=st.lists(line_text, max_size=8),
    opening=st.sampled_from(["---", "--- ", " ---"]),
    closing=st.sampled_from(["---", "...", "---  "]),
    nl=newline,
)
def test_front_matter_and_body_come_back_as_written(
    yaml_lines: list[str], body_lines: list[str], opening: str, closing: str, nl: str
) -> None:
    text = opening + nl + "".join(line + nl for line in yaml_lines) + closing + nl + "".join(b + nl for b in body_lines)
    split, problems = _split(text)
    assert problems == []
    assert split is not None
    assert split.yaml_text == "\n".join(yaml_lines)
    assert split.body == "\n".join(body_lines)
    assert split.yaml_line == 2
    # the body's first line, counted as an editor counts lines in the file
    assert split.body_line == len(yaml_lines) + 3


# ---------------------------------------------------------------- dates

TEHRAN = ZoneInfo("Asia/Tehran")
offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
moments = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 12, 31)).map(
    lambda d: d.replace(microsecond=0)
)
anything = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=string.digits + "-:+TZ .", max_size=30),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.none(),
    st.dates(),
    st.datetimes(),
    st.lists(st.integers(), max_size=3),
)


@PROPERTY
@given(anything)
@example("2026-02-30")
@example("2026-11-20 25:00")
@example("2026-11-20 09:00 +2400")
@example("2026-11-20 09:00:00 -0400")
@example("9999-12-31T23:59:59-23:59")
@example("0001-01-01T00:00:00+01:00")
def test_any_value_is_an_aware_datetime_or_a_message(value: object) -> None:
    parsed = parse_datetime(value, TEHRAN)
    if isinstance(parsed, datetime):
        assert parsed.tzinfo is not None and parsed.utcoffset() is not None
    else:
        assert isinstance(parsed, str) and parsed.endswith(EXPECTED)


@PROPERTY
@given(moment=moments, zone=offsets, sep=st.sampled_from(["T", " "]))
def test_an_iso_datetime_with_an_offset_means_that_instant(moment: datetime, zone: timezone, sep: str) -> None:
    aware = moment.replace(tzinfo=zone)
    assert parse_datetime(aware.isoformat(sep=sep), TEHRAN) == aware
    # the form access logs and older tools write: "2012-02-22 12:28:21 -0400"
    offset = aware.strftime("%z")
    assert parse_datetime(f"{moment.isoformat(sep=' ')} {offset}", TEHRAN) == aware


@PROPERTY
@given(moment=moments, sep=st.sampled_from(["T", " "]), zulu=st.booleans())
def test_naive_times_are_in_the_site_zone_and_z_is_utc(moment: datetime, sep: str, zulu: bool) -> None:
    text = moment.isoformat(sep=sep)
    if zulu:
        assert parse_datetime(text + "Z", TEHRAN) == moment.replace(tzinfo=UTC)
    else:
        assert parse_datetime(f"  {text} ", TEHRAN) == moment.replace(tzinfo=TEHRAN)


@PROPERTY
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_a_date_alone_is_the_start_of_that_day_in_the_site_zone(day: date) -> None:
    expected = datetime(day.year, day.month, day.day, tzinfo=TEHRAN)
    assert parse_datetime(day.isoformat(), TEHRAN) == expected
    assert parse_datetime(day, TEHRAN) == expected  # YAML already made it a date


# ---------------------------------------------------------------- slug -> URL -> output path

CONFIG = SiteConfig(root=Path("/nonexistent"), title="Desk", base_url=normalise_base_url("https://example.org/"))
OUT = Path("/srv/site/public")

hostile_text = st.lists(
    st.one_of(
        st.sampled_from(["/", "\\", "..", ".", "\x00", "%2e", "~", ":", " ", "-", "_", "A", "a", "é", "ß", "٣"]),
        st.characters(exclude_categories=["Cs"]),
    ),
    max_size=12,
).map("".join)
slug_character = st.one_of(st.characters(categories=["L", "N", "Mn", "Pc"]), st.sampled_from(".-_"))
valid_slug = st.text(slug_character, min_size=1, max_size=20).filter(lambda s: check_slug(s) is None)


def _inside_out(path: PurePosixPath) -> bool:
    """Lexically inside OUT: what the output path would be if nothing on disk were a link."""
    target = OUT.joinpath(*path.parts)
    return not path.is_absolute() and ".." not in path.parts and target.is_relative_to(OUT)


@PROPERTY
@given(st.text(max_size=60))
@example("/../etc/passwd")
@example("/a/../../b/")
@example("/a\\..\\..\\b/")
@example("//evil.example/x/")
@example("/a\x00/")
@example("/./")
@example("/")
@example("")
def test_any_url_gives_a_path_inside_the_output_or_none(url: str) -> None:
    path = output_path(url)
    if path is None:
        return
    assert _inside_out(path)
    assert all(part not in ("", ".", "..") and "\\" not in part and "\x00" not in part for part in path.parts)


@PROPERTY
@given(st.lists(st.text(st.sampled_from("ab/.\\"), max_size=6).map(lambda s: "/" + s), min_size=2, max_size=6))
def test_distinct_urls_give_distinct_paths_except_the_folder_index(urls: list[str]) -> None:
    """Two URLs name one file only as `/x/` and `/x/index.html`; routes reports that as a collision."""
    seen: dict[PurePosixPath, str] = {}
    for url in urls:
        path = output_path(url)
        if path is None:
            continue
        other = seen.setdefault(path, url)
        if other != url:
            assert {other, url} == {f"/{path.parent}/".replace("//", "/"), f"/{path}"}


@PROPERTY
@given(section=valid_slug, slug=valid_slug, other=valid_slug, year=st.integers(1, 9999), month=st.integers(1, 12))
def test_an_accepted_slug_always_gives_a_confined_article_path(
    section: str, slug: str, other: str, year: int, month: int
) -> None:
    def path(s: str) -> PurePosixPath | None:
        url = permalink(CONFIG, "article", section=section, year=f"{year:04d}", month=f"{month:02d}", slug=s, day="01")
        return output_path(url)

    mine = path(slug)
    assert mine is not None and _inside_out(mine) and mine.name == "index.html"
    if other != slug:
        assert path(other) != mine


@PROPERTY
@given(text=hostile_text, mode=st.sampled_from(["transliterate", "unicode"]))
@example(text="../../etc/passwd", mode="transliterate")
@example(text="..", mode="unicode")
@example(text="C:\\Windows", mode="unicode")
def test_any_tag_or_title_slugifies_to_a_confined_url_or_to_nothing(text: str, mode: str) -> None:
    slug = make_slug(text, mode)
    if not slug:
        return  # graph reports "has no letters or digits to make a URL from"
    for kind, field in (("tag", "tag"), ("topic", "topic"), ("page", "slug")):
        path = output_path(permalink(CONFIG, kind, **{field: slug}))
        assert path is not None, (kind, slug)
        assert _inside_out(path)
