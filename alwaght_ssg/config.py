"""site.yaml -> a validated, frozen `SiteConfig`.

Input: the site folder. Output: a `SiteConfig`, or problems reported as
`site.yaml:LINE: error: ...` (every one, not just the first). Unknown keys are
errors with a did-you-mean: a misspelt setting must never be silently
ignored. Free-form values for templates go under `params:`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError

from .problems import Problems, did_you_mean, one_of
from .yamlread import YamlDoc, read_yaml

CONFIG_FILE = "site.yaml"

DEFAULT_SECTIONS = (
    ("news", "News"),
    ("report", "Report"),
    ("analysis", "Analysis"),
    ("interview", "Interview"),
    ("opinion", "Opinion"),
)

# Placeholders each permalink may use; `{page}` is never written by editors.
PERMALINK_FIELDS: dict[str, frozenset[str]] = {
    "article": frozenset({"section", "year", "month", "day", "slug"}),
    "page": frozenset({"slug"}),
    "section": frozenset({"section"}),
    "tag": frozenset({"tag"}),
    "topic": frozenset({"topic"}),
    "archive": frozenset({"year", "month"}),
    "most_viewed": frozenset({"window"}),
    "gallery": frozenset({"slug", "year", "month"}),
}
# Placeholders each permalink must use, or every page of its kind would share one URL.
PERMALINK_REQUIRED: dict[str, tuple[str, ...]] = {
    "article": ("slug",),
    "page": ("slug",),
    "section": ("section",),
    "tag": ("tag",),
    "topic": ("topic",),
    "archive": ("year", "month"),
    "most_viewed": ("window",),
    "gallery": ("slug",),
}
DEFAULT_PERMALINKS = {
    "article": "/{section}/{year}/{month}/{slug}/",
    "page": "/{slug}/",
    "section": "/{section}/",
    "tag": "/tags/{tag}/",
    "topic": "/topics/{topic}/",
    "archive": "/archive/{year}/{month}/",
    "most_viewed": "/most-viewed/{window}/",
    "gallery": "/gallery/{year}/{slug}/",
}
SLUG_MODES = ("transliterate", "unicode")
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class SectionConfig:
    slug: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class Link:
    title: str
    url: str
    text: str = ""


@dataclass(frozen=True)
class RelatedConfig:
    count: int = 5
    topic_weight: float = 3.0
    tag_weight: float = 1.0
    threshold: float = 1.0
    max_tag_share: float = 0.2


MEASURES = ("views", "visitors")
WINDOW_ENDS = ("now", "latest")


@dataclass(frozen=True)
class MostViewedConfig:
    """What the Most Viewed block and pages count (DESIGN §5); lengths are in days."""

    count: int = 5  # entries per window in the home block
    page_count: int = 20  # entries on /most-viewed/<window>/
    show_counts: bool = True  # numbers in the home block
    day: int = 1
    week: int = 7
    month: int = 30
    measure: str = "views"  # "views": every request; "visitors": one per address + user agent per day
    until: str = "now"  # "now": windows end at the build's now; "latest": at the newest counted view
    bots: tuple[str, ...] = ()  # user-agent markers excluded besides the built-in list
    export_days: int = 0  # the days an export without dates covers, up to the windows' end (0: unset)

    def windows(self) -> dict[str, int]:
        return {"day": self.day, "week": self.week, "month": self.month}


@dataclass(frozen=True)
class GalleryConfig:
    per_page: int = 24  # items per page of /gallery/photos/ and /gallery/films/
    home: int = 6  # photos, and films, in the front page's Gallery block


@dataclass(frozen=True)
class FeedsConfig:
    items: int = 20
    full_text: bool = False


@dataclass(frozen=True)
class SiteConfig:
    root: Path
    title: str
    tagline: str = "News & Analysis Website"
    description: str = ""
    base_url: str = "/"
    language: str = "en"
    timezone: str = "UTC"
    slug_mode: str = "transliterate"
    date_format: str = "EEEE d MMMM y"
    sections: tuple[SectionConfig, ...] = tuple(SectionConfig(s, t) for s, t in DEFAULT_SECTIONS)
    permalinks: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_PERMALINKS))
    per_page: int = 20
    home_news: int = 10
    home_editors_choice: int = 6
    related: RelatedConfig = RelatedConfig()
    most_viewed: MostViewedConfig = MostViewedConfig()
    feeds: FeedsConfig = FeedsConfig()
    gallery: GalleryConfig = GalleryConfig()
    image_widths: tuple[int, ...] = (480, 800, 1200, 1600)
    search: bool = True
    comments_endpoint: str = ""
    promos: tuple[Link, ...] = ()
    menu: tuple[Link, ...] = ()
    footer: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def base_path(self) -> str:
        """The path part of base_url: `/` or `/newsroom/`."""
        return urlsplit(self.base_url).path or "/"

    @property
    def origin(self) -> str:
        """`https://example.org` when base_url is absolute, else the empty string."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    def with_base_url(self, base_url: str) -> SiteConfig:
        from dataclasses import replace

        return replace(self, base_url=normalise_base_url(base_url))


class ConfigError(Exception):
    """site.yaml cannot be used; the problems say why."""


def normalise_base_url(value: str) -> str:
    value = value.strip()
    if not value.endswith("/"):
        value += "/"
    if not value.startswith(("/", "http://", "https://")):
        value = "/" + value
    return value


def load_config(root: Path, problems: Problems) -> SiteConfig | None:
    """Read and validate `root/site.yaml`; None when it has errors."""
    path = root / CONFIG_FILE
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        problems.error(
            CONFIG_FILE,
            0,
            f"no {CONFIG_FILE} in {root}: is this a site folder? ('alwaght-ssg init DIR' makes a new one)",
        )
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.error(CONFIG_FILE, 0, f"cannot read: {exc}")
        return None
    doc = read_yaml(text, CONFIG_FILE, problems)
    if doc is None:
        return None
    before = problems.error_count
    config = _Reader(doc, problems).site(root)
    return config if problems.error_count == before else None


Check = Callable[[Any], str | None]


class _Reader:
    """Typed option reading with a message for every bad value."""

    def __init__(self, doc: YamlDoc, problems: Problems) -> None:
        self.doc = doc
        self.problems = problems

    def error(self, key: str, message: str) -> None:
        self.problems.error(CONFIG_FILE, self.doc.line(key), message)

    def unknown(self, table: dict[str, Any], known: set[str], prefix: str) -> None:
        for key in table:
            if key not in known:
                self.error(
                    prefix + key,
                    f"unknown setting '{prefix}{key}'{did_you_mean(key, known)}; "
                    "settings for templates go under 'params:'",
                )

    def value(self, table: dict[str, Any], key: str, prefix: str, kind: type, default: Any) -> Any:
        if key not in table or table[key] is None:
            return default
        value = table[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.error(
                prefix + key,
                f"'{prefix}{key}' must be {_KIND_NAMES[kind]}, not {value!r}",
            )
            return default
        return value

    def table(self, table: dict[str, Any], key: str) -> dict[str, Any]:
        value = table.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(key, f"'{key}' must be a mapping of 'name: value' lines")
            return {}
        return value

    def positive(self, table: dict[str, Any], key: str, prefix: str, default: int) -> int:
        value: int = self.value(table, key, prefix, int, default)
        if value < 1:
            self.error(prefix + key, f"'{prefix}{key}' must be 1 or more, not {value}")
            return default
        return value

    def site(self, root: Path) -> SiteConfig:
        data = self.doc.data
        known = {
            "title", "tagline", "description", "base_url", "language", "timezone",
            "slug_mode", "date_format", "sections", "permalinks", "pagination",
            "home", "related", "most_viewed", "comments", "promos", "menu",
            "footer", "params", "feeds", "search", "gallery", "images",
        }  # fmt: skip
        self.unknown(data, known, "")
        title = self.value(data, "title", "", str, "")
        if not title.strip():
            self.error("title", "'title' is required: the newsroom's name")
        language = self.value(data, "language", "", str, "en")
        try:
            Locale.parse(language.replace("-", "_"))
        except (ValueError, UnknownLocaleError):
            self.error("language", f"'language' is not a known language code: {language!r}")
            language = "en"
        timezone = self.value(data, "timezone", "", str, "UTC")
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            self.error(
                "timezone",
                f"'timezone' is not a known time zone: {timezone!r}; use a name like 'Europe/London' or 'Asia/Tehran'",
            )
            timezone = "UTC"
        slug_mode = self.value(data, "slug_mode", "", str, "transliterate")
        if slug_mode not in SLUG_MODES:
            self.error(
                "slug_mode",
                f"'slug_mode' must be one of {one_of(SLUG_MODES)}, not {slug_mode!r}",
            )
        pagination = self.table(data, "pagination")
        self.unknown(pagination, {"per_page"}, "pagination.")
        home = self.table(data, "home")
        self.unknown(home, {"news", "editors_choice"}, "home.")
        comments = self.table(data, "comments")
        self.unknown(comments, {"endpoint"}, "comments.")
        return SiteConfig(
            root=root,
            title=title,
            tagline=self.value(data, "tagline", "", str, SiteConfig.tagline),
            description=self.value(data, "description", "", str, ""),
            base_url=normalise_base_url(self.value(data, "base_url", "", str, "/")),
            language=language,
            timezone=timezone,
            slug_mode=slug_mode,
            date_format=self.value(data, "date_format", "", str, SiteConfig.date_format),
            sections=self.sections(data),
            permalinks=self.permalinks(data),
            per_page=self.positive(pagination, "per_page", "pagination.", 20),
            home_news=self.positive(home, "news", "home.", 10),
            home_editors_choice=self.positive(home, "editors_choice", "home.", 6),
            related=self.related(data),
            most_viewed=self.most_viewed(data),
            feeds=self.feeds(data),
            gallery=self.gallery(data),
            image_widths=self.image_widths(data),
            search=self.search(data),
            comments_endpoint=self.value(comments, "endpoint", "comments.", str, ""),
            promos=self.links(data, "promos"),
            menu=self.links(data, "menu"),
            footer=self.value(data, "footer", "", str, ""),
            params=self.table(data, "params"),
        )

    def sections(self, data: dict[str, Any]) -> tuple[SectionConfig, ...]:
        raw = data.get("sections")
        if raw is None:
            return SiteConfig.sections
        if not isinstance(raw, list) or not raw:
            self.error("sections", "'sections' must be a list of sections, e.g. '- news'")
            return SiteConfig.sections
        sections: list[SectionConfig] = []
        for index, item in enumerate(raw):
            key = f"sections.{index}"
            if isinstance(item, str):
                item = {"slug": item}
            if not isinstance(item, dict):
                self.error(key, "a section is a slug ('- news') or 'slug:' and 'title:' lines")
                continue
            self.unknown(item, {"slug", "title", "description"}, f"{key}.")
            slug = self.value(item, "slug", f"{key}.", str, "")
            if not _SLUG_RE.match(slug):
                self.error(
                    key,
                    f"section slug must be lower-case letters, digits and hyphens: {slug!r}",
                )
                continue
            if any(s.slug == slug for s in sections):
                self.error(key, f"section '{slug}' is declared twice")
                continue
            title = self.value(item, "title", f"{key}.", str, slug.replace("-", " ").title())
            description = self.value(item, "description", f"{key}.", str, "")
            sections.append(SectionConfig(slug, title, description))
        return tuple(sections) or SiteConfig.sections

    def permalinks(self, data: dict[str, Any]) -> dict[str, str]:
        table = self.table(data, "permalinks")
        self.unknown(table, set(PERMALINK_FIELDS), "permalinks.")
        result = dict(DEFAULT_PERMALINKS)
        for kind, allowed in PERMALINK_FIELDS.items():
            pattern = self.value(table, kind, "permalinks.", str, None)
            if pattern is None:
                continue
            key = f"permalinks.{kind}"
            bad = [p for p in _PLACEHOLDER.findall(pattern) if p not in allowed]
            if bad:
                self.error(
                    key,
                    f"'{key}' uses unknown placeholder '{{{bad[0]}}}'"
                    f"{did_you_mean(bad[0], allowed)}; it may use " + ", ".join(f"{{{a}}}" for a in sorted(allowed)),
                )
            elif not (pattern.startswith("/") and pattern.endswith("/")):
                self.error(key, f"'{key}' must start and end with '/': {pattern!r}")
            elif missing := [p for p in PERMALINK_REQUIRED[kind] if f"{{{p}}}" not in pattern]:
                self.error(key, f"'{key}' must contain {{{missing[0]}}}: {pattern!r}")
            else:
                result[kind] = pattern
        return result

    def related(self, data: dict[str, Any]) -> RelatedConfig:
        table = self.table(data, "related")
        self.unknown(table, set(RelatedConfig.__dataclass_fields__), "related.")
        d = RelatedConfig()
        share = self.value(table, "max_tag_share", "related.", float, d.max_tag_share)
        if not 0 < share <= 1:
            self.error("related.max_tag_share", "'related.max_tag_share' must be above 0 and at most 1")
            share = d.max_tag_share
        return RelatedConfig(
            count=self.value(table, "count", "related.", int, d.count),
            topic_weight=self.value(table, "topic_weight", "related.", float, d.topic_weight),
            tag_weight=self.value(table, "tag_weight", "related.", float, d.tag_weight),
            threshold=self.value(table, "threshold", "related.", float, d.threshold),
            max_tag_share=share,
        )

    def most_viewed(self, data: dict[str, Any]) -> MostViewedConfig:
        table = self.table(data, "most_viewed")
        self.unknown(table, set(MostViewedConfig.__dataclass_fields__), "most_viewed.")
        d = MostViewedConfig()
        p = "most_viewed."
        measure = self.value(table, "measure", p, str, d.measure)
        if measure not in MEASURES:
            self.error(p + "measure", f"'most_viewed.measure' must be one of {one_of(MEASURES)}, not {measure!r}")
            measure = d.measure
        until = self.value(table, "until", p, str, d.until)
        if until not in WINDOW_ENDS:
            self.error(p + "until", f"'most_viewed.until' must be one of {one_of(WINDOW_ENDS)}, not {until!r}")
            until = d.until
        bots = self.value(table, "bots", p, list, [])
        if not all(isinstance(b, str) and b.strip() for b in bots):
            self.error(p + "bots", "'most_viewed.bots' must be a list of user-agent words, e.g. '- MonitorBot'")
            bots = []
        export_days = self.value(table, "export_days", p, int, 0)
        if export_days < 0:
            self.error(p + "export_days", "'most_viewed.export_days' must be 0 (unset) or more")
            export_days = 0
        return MostViewedConfig(
            count=self.positive(table, "count", p, d.count),
            page_count=self.positive(table, "page_count", p, d.page_count),
            show_counts=self.value(table, "show_counts", p, bool, d.show_counts),
            day=self.positive(table, "day", p, d.day),
            week=self.positive(table, "week", p, d.week),
            month=self.positive(table, "month", p, d.month),
            measure=measure,
            until=until,
            bots=tuple(b.strip() for b in bots),
            export_days=export_days,
        )

    def feeds(self, data: dict[str, Any]) -> FeedsConfig:
        table = self.table(data, "feeds")
        self.unknown(table, set(FeedsConfig.__dataclass_fields__), "feeds.")
        d = FeedsConfig()
        return FeedsConfig(
            items=self.positive(table, "items", "feeds.", d.items),
            full_text=self.value(table, "full_text", "feeds.", bool, d.full_text),
        )

    def gallery(self, data: dict[str, Any]) -> GalleryConfig:
        table = self.table(data, "gallery")
        self.unknown(table, set(GalleryConfig.__dataclass_fields__), "gallery.")
        d = GalleryConfig()
        return GalleryConfig(
            per_page=self.positive(table, "per_page", "gallery.", d.per_page),
            home=self.positive(table, "home", "gallery.", d.home),
        )

    def image_widths(self, data: dict[str, Any]) -> tuple[int, ...]:
        table = self.table(data, "images")
        self.unknown(table, {"widths"}, "images.")
        default = SiteConfig.image_widths
        widths = self.value(table, "widths", "images.", list, list(default))
        if not widths or not all(isinstance(w, int) and not isinstance(w, bool) and 16 <= w <= 8192 for w in widths):
            self.error("images.widths", "'images.widths' must be a list of widths in pixels between 16 and 8192")
            return default
        return tuple(sorted(set(widths)))

    def search(self, data: dict[str, Any]) -> bool:
        table = self.table(data, "search")
        self.unknown(table, {"enabled"}, "search.")
        enabled: bool = self.value(table, "enabled", "search.", bool, True)
        return enabled

    def links(self, data: dict[str, Any], key: str) -> tuple[Link, ...]:
        raw = data.get(key)
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.error(key, f"'{key}' must be a list of entries with 'title:' and 'url:'")
            return ()
        links = []
        for index, item in enumerate(raw):
            where = f"{key}.{index}"
            if not isinstance(item, dict):
                self.error(where, f"each '{key}' entry needs 'title:' and 'url:' lines")
                continue
            self.unknown(item, {"title", "url", "text"}, f"{where}.")
            title = self.value(item, "title", f"{where}.", str, "")
            url = self.value(item, "url", f"{where}.", str, "")
            if not title or not url:
                self.error(where, f"each '{key}' entry needs 'title:' and 'url:' lines")
                continue
            links.append(Link(title, url, self.value(item, "text", f"{where}.", str, "")))
        return tuple(links)


_KIND_NAMES = {str: "text", int: "a whole number", float: "a number", bool: "true or false", list: "a list"}
