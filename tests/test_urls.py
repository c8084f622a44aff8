"""urls: slugs, output paths that cannot escape, paging, and the base path in front."""

from __future__ import annotations

import unicodedata
from pathlib import Path, PurePosixPath

import pytest

from alwaght_ssg.config import SiteConfig, normalise_base_url
from alwaght_ssg.urls import absolute_url, check_slug, make_slug, output_path, paged, permalink, site_url


def _config(base_url: str) -> SiteConfig:
    return SiteConfig(root=Path("/nonexistent"), title="Desk", base_url=normalise_base_url(base_url))


# ---------------------------------------------------------------- make_slug


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello, World!", "hello-world"),
        ("  Spaces   and --- dashes  ", "spaces-and-dashes"),
        ("Café Olé", "cafe-ole"),
        ("2026 Budget: What's Next?", "2026-budget-what-s-next"),
    ],
)
def test_make_slug_transliterate_latin(text: str, expected: str) -> None:
    assert make_slug(text, "transliterate") == expected


def test_make_slug_unicode_keeps_persian() -> None:
    assert make_slug("سلام دنیا", "unicode") == "سلام-دنیا"


def test_make_slug_unicode_keeps_arabic() -> None:
    assert make_slug("مرحبا بالعالم", "unicode") == "مرحبا-بالعالم"


def test_make_slug_unicode_arabic_diacritics_do_not_split_the_word() -> None:
    # "Muhammad" written with harakat (combining marks) is one word, not four letters.
    slug = make_slug("مُحَمَّد", "unicode")
    assert "-" not in slug
    assert "".join(c for c in unicodedata.normalize("NFD", slug) if not unicodedata.combining(c)) == "محمد"


def test_make_slug_unicode_keeps_accents_and_lowercases() -> None:
    assert make_slug("Café Olé", "unicode") == "café-olé"


@pytest.mark.parametrize("text", ["سلام دنیا", "مرحبا بالعالم", "ایران و آمریکا ۲۰۲۶"])
def test_make_slug_transliterate_is_ascii(text: str) -> None:
    slug = make_slug(text, "transliterate")
    assert slug
    assert slug.isascii()
    assert check_slug(slug) is None
    assert slug == slug.lower()
    assert " " not in slug and "--" not in slug
    assert not slug.startswith("-") and not slug.endswith("-")


def test_make_slug_transliterate_persian_words_stay_apart() -> None:
    slug = make_slug("سلام دنیا", "transliterate")
    assert slug.count("-") == 1


def test_make_slug_transliterates_persian_digits() -> None:
    assert make_slug("ایران ۲۰۲۶", "transliterate").endswith("-2026")


def test_make_slug_results_pass_check_slug_in_both_modes() -> None:
    for mode in ("unicode", "transliterate"):
        for text in ("سلام دنیا", "Café Olé", "Hello, World!"):
            assert check_slug(make_slug(text, mode)) is None, (mode, text)


def test_make_slug_of_punctuation_is_empty() -> None:
    assert make_slug("!!! ---", "transliterate") == ""
    assert make_slug("!!! ---", "unicode") == ""


# ---------------------------------------------------------------- check_slug


@pytest.mark.parametrize("slug", ["good-slug", "a1", "2026", "سلام-دنیا", "café"])
def test_check_slug_accepts(slug: str) -> None:
    assert check_slug(slug) is None


@pytest.mark.parametrize("slug", ["../x", "a/b", "a\\b", "a\x00b", "a b", "x?y", "a#b"])
def test_check_slug_rejects_unsafe_characters(slug: str) -> None:
    problem = check_slug(slug)
    assert problem is not None
    assert "letters" in problem


def test_check_slug_rejects_empty() -> None:
    assert check_slug("") == "is empty"


@pytest.mark.parametrize("slug", [".hidden", ".", ".."])
def test_check_slug_rejects_leading_dot(slug: str) -> None:
    problem = check_slug(slug)
    assert problem is not None
    assert "dot" in problem


def test_check_slug_rejects_decomposed_unicode() -> None:
    # "e" + combining acute: looks like "é" but is a different URL.
    assert check_slug("cafe\u0301") is not None


# ---------------------------------------------------------------- output_path


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("/", "index.html"),
        ("/a/b/", "a/b/index.html"),
        ("/feed.xml", "feed.xml"),
        ("/news/2026/07/x/", "news/2026/07/x/index.html"),
        ("/404.html", "404.html"),
        ("/news/page/2/", "news/page/2/index.html"),
        ("/سلام/", "سلام/index.html"),
    ],
)
def test_output_path(url: str, path: str) -> None:
    assert output_path(url) == PurePosixPath(path)


@pytest.mark.parametrize(
    "url",
    [
        "/../x/",
        "/a/../../b/",
        "/..",
        "/a/./b/",
        "/a\\b/",
        "/..\\..\\x",
        "/a\x00/",
        "//evil.example/",
        "/a//b/",
        "a/b/",
        "",
    ],
)
def test_output_path_refuses(url: str) -> None:
    assert output_path(url) is None


def test_output_path_is_always_relative() -> None:
    path = output_path("/a/b/")
    assert path is not None
    assert not path.is_absolute()
    assert ".." not in path.parts


# ---------------------------------------------------------------- paged and permalink


def test_paged() -> None:
    assert paged("/news/", 1) == "/news/"
    assert paged("/news/", 2) == "/news/page/2/"
    assert paged("/", 3) == "/page/3/"
    assert output_path(paged("/tags/iran/", 12)) == PurePosixPath("tags/iran/page/12/index.html")


def test_permalink_fills_pattern() -> None:
    config = _config("/")
    url = permalink(config, "article", section="news", year="2026", month="07", day="31", slug="x")
    assert url == "/news/2026/07/x/"
    assert permalink(config, "tag", tag="iran") == "/tags/iran/"


# ---------------------------------------------------------------- site_url / absolute_url


def test_root_base_url() -> None:
    config = _config("/")
    assert site_url(config, "/") == "/"
    assert site_url(config, "/news/2026/07/x/") == "/news/2026/07/x/"
    assert absolute_url(config, "/news/") == "/news/"


def test_base_url_with_path() -> None:
    config = _config("https://example.org/newsroom/")
    assert config.base_path == "/newsroom/"
    assert config.origin == "https://example.org"
    assert site_url(config, "/") == "/newsroom/"
    assert site_url(config, "/news/2026/07/x/") == "/newsroom/news/2026/07/x/"
    assert site_url(config, "/feed.xml") == "/newsroom/feed.xml"
    assert absolute_url(config, "/") == "https://example.org/newsroom/"
    assert absolute_url(config, "/news/2026/07/x/") == "https://example.org/newsroom/news/2026/07/x/"


def test_base_url_without_trailing_slash_is_normalised() -> None:
    config = _config("https://example.org/newsroom")
    assert site_url(config, "/a/") == "/newsroom/a/"
    assert absolute_url(config, "/a/") == "https://example.org/newsroom/a/"


@pytest.mark.parametrize("url", ["https://other.example/x", "#top", "mailto:desk@example.org"])
def test_site_url_leaves_external_links(url: str) -> None:
    assert site_url(_config("https://example.org/newsroom/"), url) == url


def test_absolute_url_leaves_absolute_links() -> None:
    config = _config("https://example.org/newsroom/")
    assert absolute_url(config, "https://other.example/x") == "https://other.example/x"
