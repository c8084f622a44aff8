"""Feed views -> Atom and RSS 2.0 documents, with feedgen.

Input: a `Feed` view (its title, the page it describes, its newest articles)
and the site's settings. Output: the bytes of the Atom or RSS file. URLs are
absolute; an entry's id is its article's permanent URL, which never changes
while the article keeps its URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from feedgen.feed import FeedGenerator

from .config import SiteConfig
from .model import Article
from .urls import absolute_url

ATOM = "atom"
RSS = "rss"


@dataclass(frozen=True)
class Feed:
    url: str  # of the feed file itself
    title: str
    description: str
    kind: str  # ATOM or RSS
    page_url: str  # the HTML page it follows
    articles: tuple[Article, ...]
    updated: datetime


def render_feed(feed: Feed, config: SiteConfig) -> bytes:
    fg = FeedGenerator()
    fg.id(absolute_url(config, feed.page_url))
    fg.title(feed.title)
    fg.description(feed.description or feed.title)  # RSS requires one
    fg.link(href=absolute_url(config, feed.page_url), rel="alternate")
    fg.link(href=absolute_url(config, feed.url), rel="self")
    fg.language(config.language)
    fg.updated(feed.updated)
    fg.generator("alwaght-ssg")
    for article in feed.articles:
        entry = fg.add_entry(order="append")
        link = absolute_url(config, article.url)
        entry.id(link)
        entry.guid(link, permalink=True)
        entry.title(article.title)
        entry.link(href=link)
        entry.published(article.date)
        entry.updated(article.updated or article.date)
        entry.summary(article.summary)
        if config.feeds.full_text:
            entry.content(article.body_html, type="html")
        for author in article.authors:
            entry.author(name=author.name)
        for tag in article.tags:
            entry.category(term=tag.slug, label=tag.name)
    data: bytes = fg.atom_str(pretty=True) if feed.kind == ATOM else fg.rss_str(pretty=True)
    return data
