"""Slugs, URLs and output paths: the one home for each of these decisions.

Input: text to slugify, permalink patterns from `SiteConfig`. Output: slugs,
site-relative URLs (`/news/2026/07/x/`, always without the base path) and the
relative output path each URL is written to (`news/2026/07/x/index.html`).
Every output path passes `output_path`, which refuses anything that could
land outside the output folder.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import PurePosixPath

from slugify import slugify

from .config import SiteConfig

_SAFE_SEGMENT = re.compile(r"^[\w.-]+$", re.UNICODE)


# Arabic-script vowel signs (harakat) are optional in writing; kept in a slug
# they split "مُحَمَّد" into single letters, so slugs drop them.
_HARAKAT = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
_ACCENTS = re.compile("[\u0300-\u036f]")


@lru_cache(maxsize=65536)  # tags and sections repeat across thousands of articles
def make_slug(text: str, mode: str) -> str:
    """A URL slug: transliterated ASCII, or Unicode letters kept (`slug_mode`)."""
    if mode == "unicode":
        return slugify(_HARAKAT.sub("", unicodedata.normalize("NFD", text)), allow_unicode=True)
    return slugify(text)


@lru_cache(maxsize=65536)
def fold_key(text: str, mode: str) -> str:
    """What makes two spellings one tag: the slug, ignoring letter case and accents."""
    return _ACCENTS.sub("", unicodedata.normalize("NFD", make_slug(text, mode)))


def check_slug(slug: str) -> str | None:
    """None when `slug` is usable as one URL segment, else what is wrong."""
    if not slug:
        return "is empty"
    if slug != unicodedata.normalize("NFC", slug) or not _SAFE_SEGMENT.match(slug):
        return "may use only letters, digits, hyphens, underscores and dots"
    if slug.strip(".") == "" or slug.startswith("."):
        return "may not start with a dot"
    return None


def permalink(config: SiteConfig, kind: str, **fields: str) -> str:
    return config.permalinks[kind].format_map(fields)


def paged(url: str, page: int) -> str:
    """Page 1 lives at the bare URL; later pages at `url/page/N/`."""
    return url if page == 1 else f"{url}page/{page}/"


@lru_cache(maxsize=1 << 17)  # the dev server plans the same ten thousand URLs on every rebuild
def output_path(url: str) -> PurePosixPath | None:
    """The file a site URL is written to, or None if the URL could escape `--out`."""
    if "\\" in url or "\x00" in url or not url.startswith("/") or "//" in url:
        return None
    parts = [p for p in url.split("/") if p]
    if any(p in (".", "..") for p in parts):
        return None
    if url.endswith("/"):
        parts.append("index.html")
    if not parts:
        return None
    return PurePosixPath(*parts)


def site_url(config: SiteConfig, url: str) -> str:
    """A site URL with the base path in front: what goes into an `href`."""
    if "://" in url or url.startswith(("#", "mailto:")):
        return url
    return config.base_path.rstrip("/") + url


def absolute_url(config: SiteConfig, url: str) -> str:
    """The full URL (for canonical links); root-relative when no origin is set."""
    if "://" in url:
        return url
    return config.origin + site_url(config, url)
