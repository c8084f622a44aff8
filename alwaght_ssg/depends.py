"""What each page is built from, as one fingerprint per page.

Input: a route's view, the site and a key for the build's settings and
templates. Output: a hex digest that changes whenever anything the page shows
could change: its view (every field, with each article, topic and page
standing for its source file's digest and its resolved section, tags and
topics), the chrome every page shows (sections, Editor's Choice, latest
news, Most Viewed, In Focus, standalone pages, counts), the templates, the
interface words and site.yaml. A page whose fingerprint matches the last
build's is not rendered again.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .model import Article, Image, Page, Site, Topic

_Hash = Any  # hashlib's hash objects have no public type


def fingerprint_all(views: list[object], base: str, pictures: Mapping[str, object] | None = None) -> tuple[str, ...]:
    """One fingerprint per view; `base` carries the settings, templates and chrome keys.
    `pictures` are the published sizes of images (site URL -> Picture): a page showing an
    image follows its sizes too."""
    feeder = _Feeder(pictures)
    out = []
    for view in views:
        h = hashlib.blake2b(base.encode(), digest_size=16)
        feeder.feed(h, view)
        out.append(h.hexdigest())
    return tuple(out)


def chrome_key(site: Site, pictures: Mapping[str, object] | None = None) -> str:
    """The parts of `site` that the theme shows on every page."""
    h = hashlib.blake2b(digest_size=16)
    feeder = _Feeder(pictures)
    for part in (
        site.sections,
        site.editors_choice,
        site.latest,
        site.topics,
        site.pages,
        tuple(site.most_viewed.items()),
        site.views_until is None,  # the block says "nothing counted yet"; the time is on the pages only
        tuple((s.slug, site.count("section", s.slug)) for s in site.sections),
    ):
        feeder.feed(h, part)
    return h.hexdigest()


class _Feeder:
    """Feeds values into a hash; an article's key is worked out once, however many pages show it."""

    def __init__(self, pictures: Mapping[str, object] | None = None) -> None:
        self._pictures = pictures or {}
        self._keys: dict[int, bytes] = {}
        self._alive: list[object] = []
        self._fields: dict[type, tuple[str, ...]] = {}

    def feed(self, h: _Hash, value: object) -> None:
        if isinstance(value, Article | Topic | Page):
            key = self._keys.get(id(value))
            if key is None:
                key = self._keys[id(value)] = self._key(value)
            h.update(key)
        elif isinstance(value, tuple | list):
            h.update(b"(")
            for item in value:
                self.feed(h, item)
            h.update(b")")
        elif isinstance(value, datetime):
            h.update(value.isoformat().encode() + b"\0")
        elif isinstance(value, Image):
            h.update(f"{value.src}\0{value.alt}\0{value.caption}\0{self._pictures.get(value.src)!r}\0".encode())
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            # Sections, tags and months recur on thousands of pages: hash each one once.
            key = self._keys.get(id(value))
            if key is None:
                names = self._fields.get(type(value))
                if names is None:
                    names = self._fields[type(value)] = tuple(f.name for f in dataclasses.fields(value))
                inner = hashlib.blake2b(type(value).__name__.encode(), digest_size=16)
                for name in names:
                    self.feed(inner, getattr(value, name))
                key = self._keys[id(value)] = inner.digest()
                self._alive.append(value)  # ids stay unique only while the objects live
            h.update(key)
        else:
            h.update(repr(value).encode() + b"\0")

    def _key(self, value: Article | Topic | Page) -> bytes:
        h = hashlib.blake2b(digest_size=16)
        if isinstance(value, Article):
            topics = tuple((t.slug, t.title, t.url, t.digest) for t in value.topics)
            parts = ("article", value.digest, value.url, value.status, value.section, value.tags, topics, value.image)
            self.feed(h, parts)
        else:
            h.update(f"{type(value).__name__}\0{value.digest}\0{value.url}\0".encode())
        return h.digest()
