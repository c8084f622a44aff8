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
from datetime import datetime
from typing import Any

from .model import Article, Page, Site, Topic

_Hash = Any  # hashlib's hash objects have no public type


def chrome_key(site: Site) -> str:
    """The parts of `site` that the theme shows on every page."""
    h = hashlib.blake2b(digest_size=16)
    _feed(h, site.sections)
    _feed(h, site.editors_choice)
    _feed(h, site.latest)
    _feed(h, site.topics)
    _feed(h, site.pages)
    _feed(h, tuple(site.most_viewed.items()))
    _feed(h, tuple((s.slug, site.count("section", s.slug)) for s in site.sections))
    return h.hexdigest()


def fingerprint(view: object, base: str) -> str:
    """`base` carries the settings, templates and chrome keys shared by every page."""
    h = hashlib.blake2b(base.encode(), digest_size=16)
    _feed(h, view)
    return h.hexdigest()


def _feed(h: _Hash, value: object) -> None:
    if isinstance(value, Article):
        topics = tuple((t.slug, t.title, t.url, t.digest) for t in value.topics)
        _feed(h, ("article", value.digest, value.url, value.status, value.section, value.tags, topics))
    elif isinstance(value, Topic | Page):
        h.update(f"{type(value).__name__}\0{value.digest}\0{value.url}\0".encode())
    elif isinstance(value, tuple | list):
        h.update(b"(")
        for item in value:
            _feed(h, item)
        h.update(b")")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        h.update(type(value).__name__.encode() + b"{")
        for item in dataclasses.fields(value):
            _feed(h, getattr(value, item.name))
        h.update(b"}")
    elif isinstance(value, datetime):
        h.update(value.isoformat().encode() + b"\0")
    else:
        h.update(repr(value).encode() + b"\0")
