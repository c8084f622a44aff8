"""content/gallery/ -> the Gallery's photos and films, checked, with related articles.

Input: the gallery sources, the site's settings, the build's now, what to show, the tags the
articles use, the published articles, and the site paths of the static files. Output: the
items, newest first, and each item's related articles (those sharing most tags, newer first).

A photo's `media` is an image of the site; a film's is a video file of the site or a YouTube
or Vimeo address, and its `poster` an image of the site. A file that is not there is an error
at its front-matter line; a missing `alt` is a warning (an error with `--strict`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from .config import SiteConfig
from .fields import Fields
from .load import Source
from .markup import Rendered
from .model import Article, Film, GalleryItem, Image, Tag
from .problems import Problems, one_of
from .urls import fold_key, make_slug, permalink

GALLERY_KEYS = frozenset(
    {"title", "date", "kind", "media", "poster", "alt", "caption", "credit", "tags", "slug", "draft", "captions"}
)
KINDS = ("photo", "film")
IMAGE_TYPES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".svg", ".avif")
VIDEO_TYPES = {".mp4": "video/mp4", ".webm": "video/webm", ".ogv": "video/ogg", ".m4v": "video/mp4"}
RELATED = 4
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
_VIMEO_ID = re.compile(r"^\d{3,12}$")


def read_gallery(
    sources: Iterable[Source],
    config: SiteConfig,
    now: datetime,
    show_hidden: tuple[bool, bool],
    bodies: Mapping[str, Rendered],
    tags: Mapping[str, Tag],
    articles: tuple[Article, ...],
    static: frozenset[str] | None,
    problems: Problems,
) -> tuple[tuple[GalleryItem, ...], dict[str, tuple[Article, ...]]]:
    """`show_hidden`: (drafts, scheduled) shown, as while serving. `tags` by fold key.
    `static`: site paths of the static files (`/images/x.jpg`); None skips the file checks."""
    items: dict[str, GalleryItem] = {}
    for source in sources:
        item = _read(source, config, now, show_hidden, bodies, tags, static, problems)
        if item is None:
            continue
        if item.slug in items:
            problems.error(
                source.path, 1, f"two gallery items have the slug '{item.slug}' (also {items[item.slug].source})"
            )
            continue
        items[item.slug] = item
    ordered = tuple(sorted(items.values(), key=lambda i: (i.date, i.slug), reverse=True))
    published = [a for a in articles if a.is_published]
    related = {item.slug: _related(item, published) for item in ordered}
    return ordered, related


def _read(
    source: Source,
    config: SiteConfig,
    now: datetime,
    show_hidden: tuple[bool, bool],
    bodies: Mapping[str, Rendered],
    tags: Mapping[str, Tag],
    static: frozenset[str] | None,
    problems: Problems,
) -> GalleryItem | None:
    f = Fields(source, GALLERY_KEYS, problems)
    before = problems.error_count
    title = f.text("title", required=True)
    date = f.when("date", config.tz, required=True)
    kind = f.text("kind", required=True)
    if kind and kind not in KINDS:
        f.error("kind", f"'kind' must be one of {one_of(KINDS)}, not {kind!r}")
    slug = f.slug(config.slug_mode)
    media = f.text("media", required=True)
    alt = f.text("alt")
    film = None
    if kind == "photo" and f.data.get("captions") is not None:
        f.error("captions", "'captions' (a WebVTT file) are for films; a photo's words go in 'caption'")
    if kind == "photo" and media:
        _check_file(f, "media", media, IMAGE_TYPES, static, "an image (JPEG, PNG, WebP, GIF or SVG)")
        image = Image(media, alt, f.text("caption"))
    elif kind == "film":
        poster = f.text("poster", required=True)
        if poster:
            _check_file(f, "poster", poster, IMAGE_TYPES, static, "an image (JPEG, PNG, WebP, GIF or SVG)")
        image = Image(poster, alt, f.text("caption"))
        film = _film(f, media, static) if media else None
    else:
        image = Image(media, alt, f.text("caption"))
    if not alt and (kind == "photo" or f.data.get("poster")):
        what = "photo" if kind == "photo" else "film's poster"
        f.warning("alt", f"no 'alt' text: describe what the {what} shows, for readers who cannot see it")
    tag_names = f.text_list("tags")
    draft = f.flag("draft")
    if problems.error_count > before or date is None or slug is None or kind not in KINDS:
        return None
    drafts, future = show_hidden
    if (draft and not drafts) or (date > now and not future):
        return None
    local = date.astimezone(config.tz)
    url = permalink(config, "gallery", slug=slug, year=f"{local.year:04d}", month=f"{local.month:02d}")
    item_tags = []
    for name in tag_names:
        key = fold_key(name, config.slug_mode)
        tag = tags.get(key)
        if tag is None and key:
            tag_slug = make_slug(name, config.slug_mode)
            tag = Tag(tag_slug, name, permalink(config, "tag", tag=tag_slug))
        if tag is not None and tag not in item_tags:
            item_tags.append(tag)
    return GalleryItem(
        slug=slug,
        title=title,
        date=local,
        kind=kind,
        image=image,
        film=film,
        caption=image.caption,
        credit=f.text("credit"),
        tags=tuple(item_tags),
        body_html=bodies[source.path].html,
        url=url,
        source=source.path,
        digest=source.digest,
    )


def _check_file(f: Fields, key: str, path: str, types: Iterable[str], static: frozenset[str] | None, what: str) -> None:
    if path.startswith(("http://", "https://")):
        f.error(key, f"'{key}' must be a file of the site such as /images/photo.jpg, not an address: {path!r}")
        return
    if not path.startswith("/"):
        f.error(key, f"'{key}' must be a site path starting with '/', such as /images/photo.jpg: {path!r}")
        return
    if not path.lower().endswith(tuple(types)):
        f.error(key, f"'{key}' must be {what}: {path!r}")
        return
    if static is not None and path not in static:
        f.error(key, f"'{key}' names {path}, which is not in static/; add the file static{path} or fix the path")


def _film(f: Fields, media: str, static: frozenset[str] | None) -> Film | None:
    if media.startswith(("http://", "https://")):
        embedded = _embed(media)
        if embedded is None:
            f.error(
                "media",
                f"'media' of a film must be a video file of the site (.mp4, .webm) or a YouTube or Vimeo "
                f"address: {media!r}",
            )
            return None
        provider, embed = embedded
        if f.data.get("captions") is not None:
            f.error("captions", f"'captions' are for video files of the site; a {provider} film shows its own")
        return Film(media, "", embed, provider)
    suffix = "." + media.rsplit(".", 1)[-1].lower() if "." in media else ""
    _check_file(f, "media", media, VIDEO_TYPES, static, "a video file (" + ", ".join(VIDEO_TYPES) + ")")
    captions = f.text("captions")  # what is said in the film, as WebVTT: read out or shown on request
    if captions:
        _check_file(f, "captions", captions, (".vtt",), static, "a WebVTT file (.vtt)")
    return Film(media, VIDEO_TYPES.get(suffix, ""), "", "", captions)


def _embed(address: str) -> tuple[str, str] | None:
    """The provider and its privacy-friendly player for a YouTube or Vimeo address."""
    parts = urlsplit(address)
    host = parts.netloc.lower().removeprefix("www.").removeprefix("m.")
    video = ""
    if host in ("youtube.com", "youtube-nocookie.com"):
        if parts.path == "/watch":
            video = parse_qs(parts.query).get("v", [""])[0]
        elif parts.path.startswith(("/embed/", "/shorts/", "/live/")):
            video = parts.path.split("/")[2]
        if _YOUTUBE_ID.match(video):
            return "YouTube", f"https://www.youtube-nocookie.com/embed/{video}?autoplay=1"
    elif host == "youtu.be":
        video = parts.path.strip("/")
        if _YOUTUBE_ID.match(video):
            return "YouTube", f"https://www.youtube-nocookie.com/embed/{video}?autoplay=1"
    elif host in ("vimeo.com", "player.vimeo.com"):
        video = parts.path.rstrip("/").rsplit("/", 1)[-1]
        if _VIMEO_ID.match(video):
            return "Vimeo", f"https://player.vimeo.com/video/{video}?dnt=1&autoplay=1"
    return None


def _related(item: GalleryItem, articles: list[Article]) -> tuple[Article, ...]:
    wanted = {tag.slug for tag in item.tags}
    if not wanted:
        return ()
    scored = []
    for article in articles:
        shared = sum(1 for tag in article.tags if tag.slug in wanted)
        if shared:
            scored.append((-shared, -article.date.timestamp(), article.slug, article))
    scored.sort(key=lambda row: row[:3])
    return tuple(row[3] for row in scored[:RELATED])
