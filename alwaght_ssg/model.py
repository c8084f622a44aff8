"""The content graph's values: frozen, finished, picklable.

Value objects (Section, Tag, Topic, Author, Article, Page) hold no
back-references; the reverse indexes (articles of a tag, related content,
views) live on the `Site` container, built once by `graph.build_site`.
Templates receive these finished objects and never look anything up by string.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from .config import SiteConfig

K = TypeVar("K")
V = TypeVar("V")


class FrozenMap(Mapping[K, V], Generic[K, V]):
    """A read-only mapping that, unlike MappingProxyType, pickles."""

    __slots__ = ("_data",)

    def __init__(self, items: Mapping[K, V] | None = None) -> None:
        self._data: dict[K, V] = dict(items or {})

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    description: str
    url: str


@dataclass(frozen=True)
class Tag:
    slug: str
    name: str
    url: str


@dataclass(frozen=True)
class Author:
    slug: str
    name: str


@dataclass(frozen=True)
class Image:
    src: str
    alt: str
    caption: str


@dataclass(frozen=True, eq=False)
class Topic:
    slug: str
    title: str
    summary: str
    order: int
    body_html: str
    image: Image | None
    url: str
    source: str
    digest: str  # of the source file: what page records compare


@dataclass(frozen=True, eq=False)
class Article:
    slug: str
    title: str
    date: datetime
    updated: datetime | None
    section: Section
    tags: tuple[Tag, ...]
    topics: tuple[Topic, ...]
    authors: tuple[Author, ...]
    summary: str
    body_html: str
    reading_minutes: int
    image: Image | None
    editors_choice: bool
    status: str  # "published", "draft" or "scheduled"
    url: str
    source: str
    digest: str
    aliases: tuple[str, ...]
    extra: FrozenMap[str, Any]

    @property
    def is_published(self) -> bool:
        return self.status == "published"


@dataclass(frozen=True)
class Film:
    """What plays: a video file of the site, or a YouTube or Vimeo video loaded on request."""

    src: str  # the file's URL, or the video's page on its provider
    mime: str  # "video/mp4", "video/webm" ...; "" for a provider's video
    embed: str  # the provider's privacy-friendly player URL; "" for a file
    provider: str  # "YouTube", "Vimeo" or ""
    captions: str = ""  # a WebVTT file of the site with what is said, for a video file


@dataclass(frozen=True, eq=False)
class GalleryItem:
    """A photo or a film of the Gallery; `image` is the photo, or the film's poster."""

    slug: str
    title: str
    date: datetime
    kind: str  # "photo" or "film"
    image: Image
    film: Film | None
    caption: str
    credit: str
    tags: tuple[Tag, ...]
    body_html: str
    url: str
    source: str
    digest: str


@dataclass(frozen=True, eq=False)
class Page:
    slug: str
    title: str
    summary: str
    body_html: str
    url: str
    source: str
    digest: str


@dataclass(frozen=True)
class ArchiveMonth:
    year: int
    month: int
    first_day: datetime
    url: str
    count: int


@dataclass(frozen=True)
class ViewCount:
    article: Article
    views: int


@dataclass(frozen=True)
class Site:
    """Everything the site will show, with every relation resolved."""

    config: SiteConfig
    now: datetime
    articles: tuple[Article, ...]  # what this build shows, newest first
    sections: tuple[Section, ...]
    tags: tuple[Tag, ...]  # by name
    topics: tuple[Topic, ...]  # by order
    pages: tuple[Page, ...]
    authors: tuple[Author, ...]
    months: tuple[ArchiveMonth, ...]  # newest first
    by_section: FrozenMap[str, tuple[Article, ...]]
    by_tag: FrozenMap[str, tuple[Article, ...]]
    by_topic: FrozenMap[str, tuple[Article, ...]]
    by_month: FrozenMap[tuple[int, int], tuple[Article, ...]]
    related: FrozenMap[str, tuple[Article, ...]]
    most_viewed: FrozenMap[str, tuple[ViewCount, ...]]  # "day"/"week"/"month", most viewed first
    views_until: datetime | None = None  # where the Most Viewed windows end; None: nothing counted
    most_viewed_urls: FrozenMap[str, str] = field(default_factory=lambda: FrozenMap({}))  # window -> its page
    gallery: tuple[GalleryItem, ...] = ()  # newest first
    gallery_related: FrozenMap[str, tuple[Article, ...]] = field(default_factory=lambda: FrozenMap({}))  # by slug

    @property
    def photos(self) -> tuple[GalleryItem, ...]:
        return tuple(item for item in self.gallery if item.kind == "photo")

    @property
    def films(self) -> tuple[GalleryItem, ...]:
        return tuple(item for item in self.gallery if item.kind == "film")

    @property
    def editors_choice(self) -> tuple[Article, ...]:
        chosen = tuple(a for a in self.articles if a.editors_choice)
        return chosen[: self.config.home_editors_choice]

    @property
    def latest(self) -> tuple[Article, ...]:
        return self.articles[: self.config.home_news]

    @property
    def has_views(self) -> bool:
        return any(self.most_viewed.values())

    def count(self, kind: str, slug: str) -> int:
        index = {"section": self.by_section, "tag": self.by_tag, "topic": self.by_topic}
        return len(index[kind].get(slug, ()))
