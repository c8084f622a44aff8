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
import marshal
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from operator import attrgetter
from typing import Any

from .model import Article, Image, Page, Site, Topic


def fingerprint_all(views: list[object], base: str, pictures: Mapping[str, object] | None = None) -> tuple[str, ...]:
    """One fingerprint per view; `base` carries the settings, templates and chrome keys.
    `pictures` are the published sizes of images (site URL -> Picture): a page showing an
    image follows its sizes too."""
    tokens = _Tokens(pictures)
    prefix = base.encode()
    return tuple(
        hashlib.blake2b(prefix + marshal.dumps(tokens.fields(view), _MARSHAL), digest_size=16).hexdigest()
        for view in views
    )


def chrome_key(site: Site, pictures: Mapping[str, object] | None = None) -> str:
    """The parts of `site` that the theme shows on every page."""
    tokens = _Tokens(pictures)
    parts = (
        site.sections,
        site.editors_choice,
        site.latest,
        site.topics,
        site.pages,
        _most_viewed_block(site),
        site.views_until is None,  # the block says "nothing counted yet"; the time is on the pages only
        tuple((s.slug, site.count("section", s.slug)) for s in site.sections),
    )
    return hashlib.blake2b(marshal.dumps(tokens.token(parts), _MARSHAL), digest_size=16).hexdigest()


def _most_viewed_block(site: Site) -> tuple[object, ...]:
    """What the Most Viewed block shows: each window's first few, with counts only when they are
    shown. New logs that change counts but not these leave every page that shows the block
    (all of them, in the rail) as it was; the /most-viewed/ pages carry their own entries."""
    shown = site.config.most_viewed
    return tuple(
        (window, tuple((e.article, e.views if shown.show_counts else None) for e in entries[: shown.count]))
        for window, entries in site.most_viewed.items()
    )


# marshal's format 2 writes equal values as equal bytes (later formats share repeated
# objects), tells text, bytes, numbers, booleans and None apart, and is fast.
_MARSHAL = 2


class _Tokens:
    """Values turned into what marshal writes: everything a page could show of them.

    Text, numbers, booleans and None stay as they are; sequences become tuples
    of tokens; a value object (a section, a tag, a pager) becomes its type's
    name and its fields' tokens; an article, topic or page becomes a digest of
    its source file's digest plus what the build joined it with; a time, its
    wall clock and zone; anything else stands for its type and repr. What to
    do with a value is decided once per type, and the token of each object is
    worked out once however many pages show it: ten thousand pages hold values
    of a dozen types, and the same few thousand articles.
    """

    def __init__(self, pictures: Mapping[str, object] | None = None) -> None:
        self._pictures = pictures or {}
        self._known: dict[int, Any] = {}  # tokens by object id
        self._alive: list[object] = []  # ids stay unique only while the objects live
        self._kinds: dict[type, _Kind] = {}

    def token(self, value: object) -> Any:
        known = self._known.get(id(value))
        if known is not None:
            return known
        kind = self._kinds.get(type(value)) or self._kind(type(value))
        if kind is _PLAIN:
            return value
        if kind is _SEQUENCE:
            return self._tokens(value)  # type: ignore[arg-type]
        if kind is _TIME:  # what a page can show of a time: its wall clock and its zone
            v: Any = value
            return (
                "\0datetime",
                v.year,
                v.month,
                v.day,
                v.hour,
                v.minute,
                v.second,
                v.microsecond,
                v.fold,
                str(v.tzinfo),
            )
        if kind is _OTHER:
            return f"\0{type(value).__name__}\0{value!r}".encode()  # bytes: never mistaken for text
        token: Any
        if kind is _IMAGE:
            token = self._image(value)  # type: ignore[arg-type]
        elif kind is _SOURCED:
            token = self._sourced(value)
        else:
            token = type(value).__name__, self._tokens(kind(value))  # type: ignore[operator]
        self._known[id(value)] = token
        self._alive.append(value)
        return token

    def fields(self, value: object) -> Any:
        """A value object's type name and field tokens (a page's view: not remembered, it is seen once)."""
        kind = self._kinds.get(type(value)) or self._kind(type(value))
        if not callable(kind):
            return self.token(value)
        return type(value).__name__, self._tokens(kind(value))

    def _tokens(self, values: Iterable[Any]) -> tuple[Any, ...]:
        get = self._known.get
        tokens = self._tokens
        token = self.token
        # Plain values, known objects and tuples (of articles, mostly) without another call.
        return tuple(
            [
                v if type(v) in _PLAIN_TYPES else get(id(v)) or (tokens(v) if type(v) is tuple else token(v))
                for v in values
            ]
        )

    def _kind(self, cls: type) -> _Kind:
        kind = self._kinds[cls] = _kind_of(cls)
        return kind

    def _image(self, image: Image) -> tuple[str, str, str, str]:
        """An image with the sizes it is published at: a resized photo re-renders its pages."""
        return image.src, image.alt, image.caption, repr(self._pictures.get(image.src))

    def _sourced(self, value: object) -> bytes:
        if isinstance(value, Article):
            # What other pages show of an article besides what its source file says.
            section, tags, topics = value.section, value.tags, value.topics
            parts: Any = (
                "Article", value.digest, value.url, value.status,
                (section.slug, section.title, section.description, section.url),
                tuple([(t.slug, t.name, t.url) for t in tags]),
                tuple([(t.slug, t.title, t.url, t.digest) for t in topics]),
                self._image(value.image) if value.image else None,
            )  # fmt: skip
        else:
            assert isinstance(value, Topic | Page)
            parts = (type(value).__name__, value.digest, value.url)
        return hashlib.blake2b(marshal.dumps(parts, _MARSHAL), digest_size=16).digest()


_PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})
_PLAIN, _SEQUENCE, _TIME, _SOURCED, _IMAGE, _OTHER = "plain", "sequence", "time", "sourced", "image", "other"
_Kind = Callable[[Any], tuple[Any, ...]] | str  # a value object's fields, or one of the markers


def _kind_of(cls: type) -> _Kind:
    if cls in _PLAIN_TYPES:
        return _PLAIN
    if issubclass(cls, tuple | list):
        return _SEQUENCE
    if issubclass(cls, datetime):
        return _TIME
    if issubclass(cls, Article | Topic | Page):
        return _SOURCED
    if issubclass(cls, Image):
        return _IMAGE
    if dataclasses.is_dataclass(cls):
        names = [f.name for f in dataclasses.fields(cls)]
        if len(names) > 1:
            return attrgetter(*names)  # every field in one call
        return lambda value: tuple(getattr(value, name) for name in names)
    return _OTHER
