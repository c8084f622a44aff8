"""What lets readers, aggregators and search engines find the work: feeds, sitemaps,
head metadata, redirects and search, on a small site built by the real CLI."""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from playwright.sync_api import Browser

from conftest import NOW_ISO, article, run_cli, write_site

CONFIG = """\
title: Test Desk
base_url: https://news.example.org/desk/
timezone: UTC
feeds:
  items: 3
"""
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = {
        f"content/articles/2026/11/story-{n}.md": article(
            f"Story {n}", f"2026-11-{10 + n:02d} 09:00", f"Lead of story {n}.", tags="[Ports]", section="news"
        )
        for n in range(1, 6)
    }
    files["content/articles/2026/11/escape.md"] = article(
        "A headline with </script><script>alert(1)</script> in it",
        "2026-11-25 10:00",
        "The word zanzibarite appears only in this body.",
        tags="[Ports, Courts]",
        aliases="[/old/escape-story/, /2025/legacy.html]",
        author="[Ana Ruiz]",
        updated="2026-11-25 12:00",
    )
    root = write_site(tmp_path_factory.mktemp("discovery") / "site", files, CONFIG)
    result = run_cli("build", "--site", root, "--now", NOW_ISO)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr, result.stderr
    return root


def test_feeds_parse_without_errors_and_hold_the_newest_items_in_order(site: Path) -> None:
    out = site / "public"
    for rel in ["feed.xml", "rss.xml", "news/feed.xml", "news/rss.xml", "tags/ports/feed.xml", "tags/courts/rss.xml"]:
        feed = feedparser.parse((out / rel).read_bytes())
        assert not feed.bozo, (rel, feed.get("bozo_exception"))
    site_feed = feedparser.parse((out / "feed.xml").read_bytes())
    titles = [entry.title for entry in site_feed.entries]
    assert titles == ["A headline with </script><script>alert(1)</script> in it", "Story 5", "Story 4"]
    first = site_feed.entries[0]
    assert first.id == first.link == "https://news.example.org/desk/news/2026/11/escape/"
    assert [t.term for t in first.tags] == ["ports", "courts"]
    assert len(feedparser.parse((out / "tags/courts/rss.xml").read_bytes()).entries) == 1


def test_pages_announce_their_feeds(site: Path) -> None:
    tag_page = (site / "public/tags/ports/index.html").read_text()
    assert 'type="application/atom+xml" title="Test Desk" href="https://news.example.org/desk/tags/ports/feed.xml"' in (
        tag_page
    )
    home = (site / "public/index.html").read_text()
    assert 'href="https://news.example.org/desk/rss.xml"' in home


def test_every_sitemap_url_has_a_file(site: Path) -> None:
    out = site / "public"
    root = ET.parse(out / "sitemap.xml").getroot()
    locations = [loc.text or "" for loc in root.iter(f"{SM}loc")]
    assert len(locations) > 10
    for url in locations:
        path = url.removeprefix("https://news.example.org/desk/")
        assert (out / path / "index.html").is_file() or (out / path).is_file(), url
    lastmods = {u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod") for u in root.iter(f"{SM}url")}
    assert lastmods["https://news.example.org/desk/news/2026/11/escape/"] == "2026-11-25T12:00:00+00:00"


def test_news_sitemap_lists_the_two_days_before_now(site: Path) -> None:
    root = ET.parse(site / "public/news-sitemap.xml").getroot()
    urls = [u.findtext(f"{SM}loc") for u in root.iter(f"{SM}url")]
    # now is 2026-11-26 12:00: story 5 (11-15) is too old, the escape story (11-25) is in.
    assert urls == ["https://news.example.org/desk/news/2026/11/escape/"]
    news = root.find(f"{SM}url/{NEWS}news")
    assert news is not None
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Test Desk"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "en"
    assert news.findtext(f"{NEWS}publication_date") == "2026-11-25T10:00:00+00:00"
    robots = (site / "public/robots.txt").read_text()
    assert "Sitemap: https://news.example.org/desk/sitemap.xml" in robots
    assert "Sitemap: https://news.example.org/desk/news-sitemap.xml" in robots


def test_json_ld_is_valid_escaped_and_complete(site: Path) -> None:
    html = (site / "public/news/2026/11/escape/index.html").read_text()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert len(blocks) == 2  # the headline's </script> did not end a block early
    news, crumbs = (json.loads(b) for b in blocks)
    assert news["@type"] == "NewsArticle"
    assert news["headline"] == "A headline with </script><script>alert(1)</script> in it"
    assert news["datePublished"] == "2026-11-25T10:00:00+00:00"
    assert news["dateModified"] == "2026-11-25T12:00:00+00:00"
    assert news["author"] == [{"@type": "Person", "name": "Ana Ruiz"}]
    assert news["publisher"]["name"] == "Test Desk"
    assert news["mainEntityOfPage"]["@id"] == "https://news.example.org/desk/news/2026/11/escape/"
    assert [item["position"] for item in crumbs["itemListElement"]] == [1, 2, 3]
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="article:published_time" content="2026-11-25T10:00:00+00:00">' in html
    assert "<script>alert(1)</script>" not in html


def test_aliases_get_redirect_pages_and_a_redirects_file(site: Path) -> None:
    out = site / "public"
    page = (out / "old/escape-story/index.html").read_text()
    assert '<meta http-equiv="refresh" content="0; url=/desk/news/2026/11/escape/">' in page
    assert '<link rel="canonical" href="https://news.example.org/desk/news/2026/11/escape/">' in page
    assert '<a href="/desk/news/2026/11/escape/">' in page
    assert (out / "2025/legacy.html").is_file()
    assert (out / "_redirects").read_text().splitlines() == [
        "/desk/old/escape-story/ /desk/news/2026/11/escape/ 301",
        "/desk/2025/legacy.html /desk/news/2026/11/escape/ 301",
    ]


def test_an_alias_that_collides_with_a_page_is_an_error(site_dir: Path) -> None:
    write_site(
        site_dir,
        {
            "content/articles/a.md": article("A", aliases="[/about/]"),
            "content/pages/about.md": "---\ntitle: About\n---\nAbout us.\n",
        },
    )
    result = run_cli("build", "--site", site_dir, "--now", NOW_ISO)
    assert result.returncode == 1
    assert "content/articles/a.md: error: URL /about/ is also the URL of content/pages/about.md" in result.stderr


class _DeployedAt(http.server.SimpleHTTPRequestHandler):
    """Serves public/ under /desk/, as the site would be deployed."""

    def translate_path(self, path: str) -> str:
        return super().translate_path(path.removeprefix("/desk"))

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def deployed(site: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_DeployedAt, directory=str(site / "public"))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/desk/"
    server.shutdown()


def test_a_redirect_page_leads_to_the_article(browser: Browser, deployed: str) -> None:
    page = browser.new_page()
    page.goto(deployed + "old/escape-story/")
    page.wait_for_url(deployed + "news/2026/11/escape/", timeout=30_000)
    assert page.locator("h1").inner_text().startswith("A headline with")
    page.close()


def test_search_finds_an_article_by_a_word_only_in_its_body(browser: Browser, deployed: str) -> None:
    page = browser.new_page()
    page.goto(deployed + "search/")
    page.fill(".pagefind-ui__search-input", "zanzibarite")
    result = page.locator(".pagefind-ui__result-link").first
    result.wait_for(timeout=30_000)
    assert "A headline with" in result.inner_text()
    assert result.get_attribute("href") == "/desk/news/2026/11/escape/"
    page.close()


def test_a_sitemap_past_50000_urls_is_split_under_an_index() -> None:
    from alwaght_ssg.sitemaps import MAX_URLS, SitemapEntry, split

    entries = [SitemapEntry(f"/a/{n}/", None) for n in range(MAX_URLS * 2 + 1)]
    parts = split(entries)
    assert [len(p) for p in parts] == [MAX_URLS, MAX_URLS, 1]
    assert [e for p in parts for e in p] == entries


def test_search_handles_persian_text(browser: Browser, site_dir: Path) -> None:
    config = "title: خبرگزاری\nbase_url: https://fa.example.org/\nlanguage: fa\nslug_mode: unicode\n"
    body = "بازار امروز آرام بود و واژه زعفرانستان فقط در این متن آمده است."
    write_site(site_dir, {"content/articles/بازار.md": article("گزارش بازار", "2026-11-20 09:00", body)}, config)
    result = run_cli("build", "--site", site_dir, "--now", NOW_ISO)
    assert result.returncode == 0, result.stderr
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site_dir / "public"))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/search/")
        assert page.locator("html").get_attribute("dir") == "rtl"
        page.fill(".pagefind-ui__search-input", "زعفرانستان")
        result_link = page.locator(".pagefind-ui__result-link").first
        result_link.wait_for(timeout=30_000)
        assert result_link.inner_text() == "گزارش بازار"
        page.close()
    finally:
        server.shutdown()
