"""Site -> every page the site will have: URL, output path, template, view.

Input: the frozen `Site`. Output: a tuple of `Route`s, each carrying the one
page-view object its template receives (the template's contract). Output
paths are checked here, before anything is written: each must stay inside the
output folder and no two pages may claim the same file.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath

from .feeds import ATOM, RSS, Feed
from .model import ArchiveMonth, Article, GalleryItem, Page, Section, Site, Tag, Topic, ViewCount
from .problems import Problems
from .sitemaps import NewsSitemap, Robots, Sitemap, SitemapEntry, SitemapIndex, news_articles, split
from .urls import output_path, paged


@dataclass(frozen=True)
class Pager:
    number: int
    total: int
    first_url: str

    def url(self, number: int) -> str:
        return paged(self.first_url, number)

    @property
    def prev_url(self) -> str | None:
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url(self.number + 1) if self.number < self.total else None

    @property
    def pages(self) -> list[tuple[int, str] | None]:
        """Page links to show: the first, the last and two either side of this one;
        None marks a gap (a section of 2,000 articles must not list 100 links)."""
        shown = sorted({1, self.total, *range(max(1, self.number - 2), min(self.total, self.number + 2) + 1)})
        out: list[tuple[int, str] | None] = []
        for previous, number in zip([0, *shown], shown, strict=False):
            if number - previous == 2:  # a gap of one page: show the page, not a gap
                out.append((previous + 1, self.url(previous + 1)))
            elif number - previous > 2:
                out.append(None)
            out.append((number, self.url(number)))
        return out


@dataclass(frozen=True)
class HomePage:
    """The front page; besides the chrome it shows each section's newest and the Gallery."""

    url: str
    title: str
    description: str
    strips: tuple[tuple[Section, tuple[Article, ...]], ...]
    photos: tuple[GalleryItem, ...]
    films: tuple[GalleryItem, ...]


@dataclass(frozen=True)
class GalleryPage:
    """/gallery/: the newest photos and films, under Photo and Film tabs."""

    url: str
    title: str
    description: str
    photos: tuple[GalleryItem, ...]
    films: tuple[GalleryItem, ...]
    more_photos: bool
    more_films: bool


@dataclass(frozen=True)
class GalleryListPage:
    """One page of /gallery/photos/ or /gallery/films/."""

    url: str
    title: str
    description: str
    kind: str  # "photo" or "film"
    items: tuple[GalleryItem, ...]
    pager: Pager


@dataclass(frozen=True)
class GalleryItemPage:
    url: str
    title: str
    description: str
    item: GalleryItem
    related: tuple[Article, ...]
    newer: GalleryItem | None  # of the same kind
    older: GalleryItem | None


@dataclass(frozen=True)
class ArticlePage:
    url: str
    title: str
    description: str
    article: Article
    related: tuple[Article, ...]
    newer: Article | None  # in the same section
    older: Article | None


@dataclass(frozen=True)
class ListPage:
    """One page of a section, tag, topic or archive month listing."""

    url: str
    title: str
    description: str
    kind: str  # "section", "tag", "topic" or "archive"
    subject: Section | Tag | Topic | ArchiveMonth
    articles: tuple[Article, ...]
    pager: Pager


@dataclass(frozen=True)
class TagsPage:
    url: str
    title: str
    description: str
    entries: tuple[tuple[Tag, int], ...]


@dataclass(frozen=True)
class TopicsPage:
    url: str
    title: str
    description: str
    entries: tuple[tuple[Topic, int], ...]


@dataclass(frozen=True)
class ArchivePage:
    url: str
    title: str
    description: str
    months: tuple[ArchiveMonth, ...]


@dataclass(frozen=True)
class StandalonePage:
    url: str
    title: str
    description: str
    page: Page


@dataclass(frozen=True)
class MostViewedPage:
    """The most viewed articles of one window (day, week or month)."""

    url: str
    title: str
    description: str
    window: str
    entries: tuple[ViewCount, ...]
    until: datetime | None  # where the windows end; None: nothing counted yet


@dataclass(frozen=True)
class NotFoundPage:
    url: str
    title: str
    description: str


@dataclass(frozen=True)
class RedirectPage:
    """An article's old URL (`aliases`), pointing at where it lives now."""

    url: str
    title: str
    description: str
    target: str


@dataclass(frozen=True)
class SearchPage:
    url: str
    title: str
    description: str


@dataclass(frozen=True)
class RedirectsFile:
    """`_redirects`, the redirect list that common static hosts read."""

    url: str
    redirects: tuple[tuple[str, str], ...]


View = (
    HomePage | ArticlePage | ListPage | TagsPage | TopicsPage | ArchivePage | StandalonePage | NotFoundPage
    | MostViewedPage | GalleryPage | GalleryListPage | GalleryItemPage | RedirectPage | SearchPage
    | Feed | Sitemap | SitemapIndex | NewsSitemap | Robots | RedirectsFile
)  # fmt: skip


@dataclass(frozen=True)
class Route:
    url: str
    path: PurePosixPath
    template: str
    view: View
    source: str  # the file this page comes from, for collision messages


TAGS_URL = "/tags/"
TOPICS_URL = "/topics/"
ARCHIVE_URL = "/archive/"
NOT_FOUND_URL = "/404.html"
SEARCH_URL = "/search/"
GALLERY_URL = "/gallery/"
GALLERY_LISTS = {"photo": "/gallery/photos/", "film": "/gallery/films/"}
SITEMAP_URL = "/sitemap.xml"
NEWS_SITEMAP_URL = "/news-sitemap.xml"
ROBOTS_URL = "/robots.txt"


def plan(site: Site, problems: Problems) -> tuple[Route, ...]:
    routes: list[Route] = []
    taken: dict[PurePosixPath, Route] = {}
    for url, template, view, source in _with_machine_files(site, list(_pages(site))):
        path = output_path(url)
        if path is None:
            problems.error(source, 0, f"URL {url!r} would be written outside the output folder")
            continue
        route = Route(url, path, template, view, source)
        if path in taken:
            problems.error(source, 0, f"URL {url} is also the URL of {taken[path].source}; change one of their slugs")
            continue
        taken[path] = route
        routes.append(route)
    _warn_case_collisions(routes, problems)
    return tuple(routes)


def _warn_case_collisions(routes: list[Route], problems: Problems) -> None:
    folded: dict[str, Route] = {}
    for route in routes:
        key = str(route.path).casefold()
        if key in folded and folded[key].path != route.path:
            problems.warning(
                route.source, 0,
                f"URL {route.url} differs from {folded[key].url} ({folded[key].source}) only "
                "by letter case; they collide on case-insensitive hosts",
            )  # fmt: skip
        folded.setdefault(key, route)


def _pages(site: Site) -> Iterator[tuple[str, str, View, str]]:
    config = site.config
    strips = tuple((s, site.by_section.get(s.slug, ())[:3]) for s in site.sections)
    home = config.gallery.home
    front = HomePage(
        "/", config.title, config.description or config.tagline, strips, site.photos[:home], site.films[:home]
    )
    yield "/", "home.html", front, "site.yaml"
    # Where each article stands in its section, for its newer/older neighbours.
    position = {id(a): i for articles in site.by_section.values() for i, a in enumerate(articles)}
    for article in site.articles:
        yield article.url, "article.html", _article_page(site, article, position), article.source
    for section in site.sections:
        articles = site.by_section.get(section.slug, ())
        yield from _listing(site, "section", section, section.title, section.description, articles, "site.yaml")
    for tag in site.tags:
        yield from _listing(site, "tag", tag, tag.name, "", site.by_tag[tag.slug], "site.yaml")
    for topic in site.topics:
        articles = site.by_topic.get(topic.slug, ())
        yield from _listing(site, "topic", topic, topic.title, topic.summary, articles, topic.source)
    for month in site.months:
        articles = site.by_month[(month.year, month.month)]
        yield from _listing(site, "archive", month, "", "", articles, "site.yaml")
    tag_entries = tuple((t, len(site.by_tag[t.slug])) for t in site.tags)
    yield TAGS_URL, "tags.html", TagsPage(TAGS_URL, "", "", tag_entries), "site.yaml"
    topic_entries = tuple((t, site.count("topic", t.slug)) for t in site.topics)
    yield TOPICS_URL, "topics.html", TopicsPage(TOPICS_URL, "", "", topic_entries), "site.yaml"
    yield ARCHIVE_URL, "archive.html", ArchivePage(ARCHIVE_URL, "", "", site.months), "site.yaml"
    for window, url in site.most_viewed_urls.items():
        entries = site.most_viewed[window][: config.most_viewed.page_count]
        view = MostViewedPage(url, "", "", window, entries, site.views_until)
        yield url, "most-viewed.html", view, "site.yaml"
    for page in site.pages:
        yield page.url, "page.html", StandalonePage(page.url, page.title, page.summary, page), page.source
    if site.gallery:
        yield from _gallery(site)
    yield NOT_FOUND_URL, "404.html", NotFoundPage(NOT_FOUND_URL, "", ""), "site.yaml"
    if site.config.search:
        yield SEARCH_URL, "search.html", SearchPage(SEARCH_URL, "", ""), "site.yaml"
    for article in site.articles:
        for alias in article.aliases:
            url = alias if alias.endswith("/") or "." in alias.rsplit("/", 1)[-1] else alias + "/"
            yield url, "redirect.html", RedirectPage(url, article.title, "", article.url), article.source


Planned = tuple[str, str, View, str]


def _with_machine_files(site: Site, pages: list[Planned]) -> Iterator[Planned]:
    """The pages, then what machines read: feeds, sitemaps, robots.txt and `_redirects`."""
    yield from pages
    config = site.config
    redirects = tuple((view.url, view.target) for _, _, view, _ in pages if isinstance(view, RedirectPage))
    if redirects:
        yield "/_redirects", "", RedirectsFile("/_redirects", redirects), "site.yaml"
    if not config.origin:
        return  # feeds and sitemaps need absolute URLs: base_url must name the host
    yield from _feeds(site, "/", config.title, config.description or config.tagline, site.articles, "site.yaml")
    for section in site.sections:
        articles = site.by_section.get(section.slug, ())
        yield from _feeds(site, section.url, section.title, section.description, articles, "site.yaml")
    for tag in site.tags:
        yield from _feeds(site, tag.url, tag.name, "", site.by_tag[tag.slug], "site.yaml")
    for topic in site.topics:
        articles = site.by_topic.get(topic.slug, ())
        yield from _feeds(site, topic.url, topic.title, topic.summary, articles, topic.source)
    entries = [
        SitemapEntry(url, _lastmod(view))
        for url, template, view, _ in pages
        if template and not isinstance(view, NotFoundPage | RedirectPage | SearchPage)
    ]
    parts = split(entries)
    if len(parts) == 1:
        yield SITEMAP_URL, "", Sitemap(SITEMAP_URL, parts[0]), "site.yaml"
    else:
        urls = tuple(f"/sitemap-{n}.xml" for n in range(1, len(parts) + 1))
        newest = max((e.lastmod for e in entries if e.lastmod), default=site.now)
        yield SITEMAP_URL, "", SitemapIndex(SITEMAP_URL, urls, newest), "site.yaml"
        for url, part in zip(urls, parts, strict=True):
            yield url, "", Sitemap(url, part), "site.yaml"
    yield NEWS_SITEMAP_URL, "", NewsSitemap(NEWS_SITEMAP_URL, news_articles(site.articles, site.now)), "site.yaml"
    yield ROBOTS_URL, "", Robots(ROBOTS_URL, (SITEMAP_URL, NEWS_SITEMAP_URL)), "site.yaml"


def feed_urls(page_url: str) -> tuple[str, str]:
    """The Atom and RSS feeds that follow a page (the site's own follow the front page)."""
    return page_url + "feed.xml", page_url + "rss.xml"


def _feeds(
    site: Site, page_url: str, title: str, description: str, articles: tuple[Article, ...], source: str
) -> Iterator[Planned]:
    newest = articles[: site.config.feeds.items]
    updated = max((a.updated or a.date for a in newest), default=site.now)
    full_title = title if page_url == "/" else f"{title} | {site.config.title}"
    for url, kind in zip(feed_urls(page_url), (ATOM, RSS), strict=True):
        yield url, "", Feed(url, full_title, description, kind, page_url, newest, updated), source


def _lastmod(view: View) -> datetime | None:
    if isinstance(view, ArticlePage):
        return view.article.updated or view.article.date
    if isinstance(view, ListPage) and view.articles:
        return max(a.updated or a.date for a in view.articles)
    if isinstance(view, GalleryItemPage):
        return view.item.date
    return None


def _gallery(site: Site) -> Iterator[Planned]:
    per_page = site.config.gallery.per_page
    photos, films = site.photos, site.films
    first = GalleryPage(
        GALLERY_URL, "", "", photos[:per_page], films[:per_page], len(photos) > per_page, len(films) > per_page
    )
    yield GALLERY_URL, "gallery.html", first, "site.yaml"
    for kind, items in (("photo", photos), ("film", films)):
        total = max(1, math.ceil(len(items) / per_page))
        for number in range(1, total + 1):
            pager = Pager(number, total, GALLERY_LISTS[kind])
            url = pager.url(number)
            chunk = items[(number - 1) * per_page : number * per_page]
            yield url, "gallery-list.html", GalleryListPage(url, "", "", kind, chunk, pager), "site.yaml"
        for index, item in enumerate(items):
            newer = items[index - 1] if index > 0 else None
            older = items[index + 1] if index + 1 < len(items) else None
            related = site.gallery_related.get(item.slug, ())
            view = GalleryItemPage(item.url, item.title, item.caption, item, related, newer, older)
            yield item.url, "gallery-item.html", view, item.source


def _article_page(site: Site, article: Article, position: dict[int, int]) -> ArticlePage:
    siblings = site.by_section.get(article.section.slug, ())
    index = position[id(article)]
    newer = siblings[index - 1] if index > 0 else None
    older = siblings[index + 1] if index + 1 < len(siblings) else None
    return ArticlePage(
        article.url, article.title, article.summary, article,
        site.related.get(article.slug, ()), newer, older,
    )  # fmt: skip


def _listing(
    site: Site,
    kind: str,
    subject: Section | Tag | Topic | ArchiveMonth,
    title: str,
    description: str,
    articles: tuple[Article, ...],
    source: str,
) -> Iterator[tuple[str, str, View, str]]:
    """Page 1 at the bare URL, then /page/N/; an empty listing still gets its page 1."""
    per_page = site.config.per_page
    total = max(1, math.ceil(len(articles) / per_page))
    for number in range(1, total + 1):
        pager = Pager(number, total, subject.url)
        chunk = articles[(number - 1) * per_page : number * per_page]
        url = pager.url(number)
        yield url, "list.html", ListPage(url, title, description, kind, subject, chunk, pager), source
