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

from .model import Article, Page, Site, Topic


def fingerprint_all(views: list[object], base: str) -> tuple[str, ...]:
    """One fingerprint per view; `base` carries the settings, templates and chrome keys."""
    tokens = _Tokens()
    prefix = base.encode()
    return tuple(
        hashlib.blake2b(prefix + repr(tokens.token(view)).encode(), digest_size=16).hexdigest() for view in views
    )


def chrome_key(site: Site) -> str:
    """The parts of `site` that the theme shows on every page."""
    tokens = _Tokens()
    parts = (
        site.sections,
        site.editors_choice,
        site.latest,
        site.topics,
        site.pages,
        tuple(site.most_viewed.items()),
        tuple((s.slug, site.count("section", s.slug)) for s in site.sections),
    )
    return hashlib.blake2b(repr(tokens.token(parts)).encode(), digest_size=16).hexdigest()


class _Tokens:
    """Values turned into something whose `repr` says everything a page could show of them.

    Plain values (text, numbers, dates: a datetime's repr names its zone) stay
    as they are, sequences become tuples of tokens, and each value object (an
    article, a section, a tag, a pager) becomes a digest of its own fields,
    worked out once however many pages show it. An article, topic or page
    stands for its source file's digest plus what the build joined it with.
    What to do with a value is decided once per type: thousands of pages hold
    values of a dozen types.
    """

    def __init__(self) -> None:
        self._keys: dict[int, str] = {}
        self._alive: list[object] = []  # ids stay unique only while the objects live
        self._kinds: dict[type, tuple[str, ...] | None] = {}

    def token(self, value: object) -> object:
        cls = type(value)
        try:
            kind = self._kinds[cls]
        except KeyError:
            kind = self._kinds[cls] = _kind(cls)
        if kind is None:
            return value
        if kind is _SEQUENCE:
            return tuple([self.token(item) for item in value])  # type: ignore[attr-defined]
        key = self._keys.get(id(value))
        if key is None:
            key = self._keys[id(value)] = self._key(value, kind)
            self._alive.append(value)
        return key

    def _key(self, value: object, names: tuple[str, ...]) -> str:
        if isinstance(value, Article):
            # What other pages show of an article besides what its source file says.
            section, tags, topics = value.section, value.tags, value.topics
            parts: tuple[object, ...] = (
                "Article", value.digest, value.url, value.status,
                (section.slug, section.title, section.description, section.url),
                tuple([(t.slug, t.name, t.url) for t in tags]),
                tuple([(t.slug, t.title, t.url, t.digest) for t in topics]),
            )  # fmt: skip
        elif isinstance(value, Topic | Page):
            parts = (type(value).__name__, value.digest, value.url)
        else:
            parts = (type(value).__name__, tuple([self.token(getattr(value, name)) for name in names]))
        return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


_SEQUENCE = ("<sequence>",)


def _kind(cls: type) -> tuple[str, ...] | None:
    """None: stands for itself; a marker for sequences; else the fields of a value object."""
    if issubclass(cls, tuple | list):
        return _SEQUENCE
    if dataclasses.is_dataclass(cls):
        return tuple(f.name for f in dataclasses.fields(cls))
    return None
