"""Sitemaps and robots.txt: what search engines read.

Input: the site's pages with their last change, its articles, the build's
now. Output: `sitemap.xml` (a sitemap index with numbered parts past 50,000
URLs), `news-sitemap.xml` by the Google News rules (articles of the two days
before now, at most 1,000) and `robots.txt` naming both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from xml.sax.saxutils import escape

from .config import SiteConfig
from .model import Article
from .urls import absolute_url

MAX_URLS = 50_000  # per sitemap file, by the sitemaps protocol
NEWS_WINDOW = timedelta(days=2)
NEWS_MAX = 1_000


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    lastmod: datetime | None


@dataclass(frozen=True)
class Sitemap:
    url: str
    entries: tuple[SitemapEntry, ...]


@dataclass(frozen=True)
class SitemapIndex:
    url: str
    parts: tuple[str, ...]  # URLs of the sitemap files
    updated: datetime


@dataclass(frozen=True)
class NewsSitemap:
    url: str
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class Robots:
    url: str
    sitemaps: tuple[str, ...]


def split(entries: Sequence[SitemapEntry]) -> list[tuple[SitemapEntry, ...]]:
    return [tuple(entries[i : i + MAX_URLS]) for i in range(0, len(entries), MAX_URLS)] or [()]


def news_articles(articles: Sequence[Article], now: datetime) -> tuple[Article, ...]:
    recent = [a for a in articles if a.is_published and now - NEWS_WINDOW <= a.date <= now]
    return tuple(recent[:NEWS_MAX])


def _xml(lines: list[str]) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + "\n".join(lines) + "\n").encode()


def render_sitemap(view: Sitemap, config: SiteConfig) -> bytes:
    lines = ['<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for entry in view.entries:
        lastmod = f"<lastmod>{entry.lastmod.isoformat()}</lastmod>" if entry.lastmod else ""
        lines.append(f"  <url><loc>{escape(absolute_url(config, entry.url))}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return _xml(lines)


def render_index(view: SitemapIndex, config: SiteConfig) -> bytes:
    lines = ['<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for part in view.parts:
        lines.append(
            f"  <sitemap><loc>{escape(absolute_url(config, part))}</loc>"
            f"<lastmod>{view.updated.isoformat()}</lastmod></sitemap>"
        )
    lines.append("</sitemapindex>")
    return _xml(lines)


def render_news(view: NewsSitemap, config: SiteConfig) -> bytes:
    lines = [
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
    ]
    language = escape(config.language.split("-")[0].lower())
    for article in view.articles:
        lines += [
            "  <url>",
            f"    <loc>{escape(absolute_url(config, article.url))}</loc>",
            "    <news:news>",
            f"      <news:publication><news:name>{escape(config.title)}</news:name>"
            f"<news:language>{language}</news:language></news:publication>",
            f"      <news:publication_date>{article.date.isoformat()}</news:publication_date>",
            f"      <news:title>{escape(article.title)}</news:title>",
            "    </news:news>",
            "  </url>",
        ]
    lines.append("</urlset>")
    return _xml(lines)


def render_robots(view: Robots, config: SiteConfig) -> bytes:
    lines = ["User-agent: *", "Allow: /", ""]
    lines += [f"Sitemap: {absolute_url(config, url)}" for url in view.sitemaps]
    return ("\n".join(lines) + "\n").encode()
