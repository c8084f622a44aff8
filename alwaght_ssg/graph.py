"""Sources + settings + now -> the frozen content graph (`Site`), and problems.

Every front-matter value is checked here, once; every cross-reference (section,
topics, related articles) is resolved here, once. What comes out is a `Site`
whose objects are finished: templates never look anything up by string.

What an article's checks find depends only on its file and the settings, so it
is remembered per file (memo.py) and worked out again only when either changes;
everything that joins articles up (tags, topics, related content, listings,
Most Viewed) is done afresh on every build, so none of it is ever stale.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from . import __version__
from .cache import Cache
from .config import SiteConfig
from .fields import Fields as _Fields
from .fields import describe as _describe
from .gallery import read_gallery
from .load import Source, Sources
from .markup import EXTENSIONS, Markup, Rendered, shorten
from .memo import Remembered
from .model import (
    ArchiveMonth,
    Article,
    Author,
    FrozenMap,
    Image,
    Page,
    Section,
    Site,
    Tag,
    Topic,
    ViewCount,
)
from .problems import Problem, Problems, did_you_mean
from .related import RelatedInput, compute_related
from .traffic import Views, view_path
from .urls import fold_key, make_slug, output_path, permalink

ARTICLE_KEYS = frozenset({
    "title", "date", "updated", "section", "tags", "topics", "related", "summary",
    "author", "image", "image_caption", "image_alt", "editors_choice", "draft",
    "slug", "aliases",
})  # fmt: skip
TOPIC_KEYS = frozenset({"title", "summary", "order", "image", "image_alt", "image_caption", "slug"})
PAGE_KEYS = frozenset({"title", "summary", "slug", "draft"})


@dataclass(frozen=True)
class Visibility:
    """Which unpublished articles this build shows (`--drafts`, `--future`)."""

    drafts: bool = False
    future: bool = False


def build_site(
    sources: Sources,
    config: SiteConfig,
    now: datetime,
    problems: Problems,
    visibility: Visibility = Visibility(),
    bodies: Mapping[str, Rendered] | None = None,
    cache: Cache | None = None,
    views: Views | None = None,
    static: frozenset[str] | None = None,
) -> Site:
    """`bodies` are the rendered Markdown of the sources by path (see parse.py); without
    them the bodies are rendered here, in this process. With a cache, related content
    is computed again only when its inputs changed. `static`: the site paths of the static
    files (`/images/x.jpg`), to check that images and films exist; None skips the check."""
    if bodies is None:
        markup = Markup(config.slug_mode, config.base_path)
        every = [*sources.articles, *sources.topics, *sources.pages, *sources.gallery]
        bodies = {s.path: markup.render(s.body) for s in every}
    sections = tuple(
        Section(s.slug, s.title, s.description, permalink(config, "section", section=s.slug)) for s in config.sections
    )
    topics = _topics(sources.topics, config, bodies, problems)
    pages = _pages(sources.pages, config, bodies, problems)
    drafts = _ArticleReader(config, now, sections, topics, bodies)
    checked = _check_articles(sources.articles, drafts, cache)
    for entry in checked:
        problems.extend(entry.problems)
    parsed = [entry.parsed for entry in checked if entry.parsed]
    refs = [entry.ref for entry in checked]
    if static is not None:
        _check_images(parsed, static, problems)
    tags = _merge_tags(parsed, config, problems)
    articles = [drafts.finish(p, tags) for p in parsed]
    _check_unique(articles, problems)

    visible = sorted(
        (a for a in articles if _shown(a, visibility)),
        key=lambda a: (a.date, a.slug),
        reverse=True,
    )
    by_slug = {a.slug: a for a in articles}
    # An article that failed its own checks is still known: no second error for linking to it.
    known = set(by_slug) | {ref.slug for ref in refs}
    explicit = _explicit_related(refs, known, {a.slug for a in visible}, problems)
    related_slugs = _related(visible, explicit, config, cache)
    shown = {a.slug: a for a in visible}
    related = {slug: tuple(shown[s] for s in rel) for slug, rel in related_slugs.items()}

    by_section, by_tag, by_topic, by_month = _indexes(visible)
    # One Tag object per tag (see _merge_tags): told apart by identity, not by hashing their fields.
    used = {id(t): t for a in visible for t in a.tags}.values()
    used_tags = tuple(sorted(used, key=lambda t: (t.name.casefold(), t.slug)))
    authors = tuple(sorted({au for a in visible for au in a.authors}, key=lambda au: au.slug))
    months = tuple(
        ArchiveMonth(
            year,
            month,
            articles_of_month[0].date.replace(day=1, hour=0, minute=0, second=0, microsecond=0),
            permalink(config, "archive", year=f"{year:04d}", month=f"{month:02d}"),
            len(articles_of_month),
        )
        for (year, month), articles_of_month in sorted(by_month.items(), reverse=True)
    )
    shown_hidden = (visibility.drafts, visibility.future)
    gallery, gallery_related = read_gallery(
        sources.gallery, config, now, shown_hidden, bodies, tags, tuple(visible), static, problems
    )
    return Site(
        config=config,
        now=now,
        articles=tuple(visible),
        sections=sections,
        tags=used_tags,
        topics=topics,
        pages=pages,
        authors=authors,
        months=months,
        by_section=FrozenMap(by_section),
        by_tag=FrozenMap(by_tag),
        by_topic=FrozenMap(by_topic),
        by_month=FrozenMap(by_month),
        related=FrozenMap(related),
        most_viewed=FrozenMap(_most_viewed(visible, views or Views(), config)),
        views_until=views.until if views else None,
        gallery=gallery,
        gallery_related=FrozenMap(gallery_related),
        most_viewed_urls=FrozenMap(
            {w: permalink(config, "most_viewed", window=w) for w in config.most_viewed.windows()}
        ),
    )


def _check_images(parsed: list[_Parsed], static: frozenset[str], problems: Problems) -> None:
    """A lead image that names a file of the site must be there."""
    for p in parsed:
        image = p.article.image
        if image and image.src.startswith("/") and image.src not in static:
            problems.error(
                p.path,
                p.image_line,
                f"'image' names {image.src}, which is not in static/; add the file static{image.src} or fix the path",
            )


def _most_viewed(visible: list[Article], views: Views, config: SiteConfig) -> dict[str, tuple[ViewCount, ...]]:
    """The most viewed published articles per window: views of the URL and of its old URLs
    (aliases), then newer first, then slug."""
    keep = max(config.most_viewed.count, config.most_viewed.page_count)
    ranked: dict[str, tuple[ViewCount, ...]] = {}
    for window in config.most_viewed.windows():
        totals = views.windows.get(window, {})
        scored = []
        for article in visible if totals else ():
            if not article.is_published:
                continue
            count = totals.get(article.url, 0.0) + sum(totals.get(_alias_path(a), 0.0) for a in article.aliases)
            if round(count) >= 1:
                scored.append((-round(count), -article.date.timestamp(), article.slug, article))
        scored.sort(key=lambda row: row[:3])
        ranked[window] = tuple(ViewCount(article, -negative) for negative, _, _, article in scored[:keep])
    return ranked


def _alias_path(alias: str) -> str:
    return view_path(alias, "/") or alias


def _related(
    visible: list[Article], explicit: dict[str, tuple[str, ...]], config: SiteConfig, cache: Cache | None
) -> dict[str, tuple[str, ...]]:
    # Everything compute_related reads (of a date, only its timestamp), as marshal's exact
    # bytes: the repr of ten thousand inputs cost a tenth of a rebuild.
    features = [
        (a.slug, a.date.timestamp(), tuple([t.slug for t in a.topics]), tuple([t.slug for t in a.tags]))
        for a in visible
    ]
    material = (features, sorted(explicit.items()))
    digest = hashlib.blake2b(marshal.dumps(material, 2) + repr(config.related).encode(), digest_size=16)
    key = "related:" + digest.hexdigest()
    found = cache.blob(key) if cache else None
    if isinstance(found, dict):
        return found
    inputs = [
        RelatedInput(a.slug, a.date, topics, tags) for a, (_, _, topics, tags) in zip(visible, features, strict=True)
    ]
    result = compute_related(inputs, explicit, config.related)
    if cache:
        cache.forget("related:")  # only the latest result is worth keeping
        cache.store_blob(key, result)
    return result


def _shown(article: Article, visibility: Visibility) -> bool:
    if article.status == "draft":
        return visibility.drafts
    if article.status == "scheduled":
        return visibility.future
    return True


def _indexes(articles: Iterable[Article]) -> tuple[dict[Any, tuple[Article, ...]], ...]:
    """The articles of each section, tag, topic and month, in one pass."""
    by_section: dict[Any, list[Article]] = defaultdict(list)
    by_tag: dict[Any, list[Article]] = defaultdict(list)
    by_topic: dict[Any, list[Article]] = defaultdict(list)
    by_month: dict[Any, list[Article]] = defaultdict(list)
    for article in articles:
        by_section[article.section.slug].append(article)
        for tag in article.tags:
            by_tag[tag.slug].append(article)
        for topic in article.topics:
            by_topic[topic.slug].append(article)
        by_month[(article.date.year, article.date.month)].append(article)
    return tuple({k: tuple(v) for k, v in index.items()} for index in (by_section, by_tag, by_topic, by_month))


def _topics(
    sources: Iterable[Source], config: SiteConfig, bodies: Mapping[str, Rendered], problems: Problems
) -> tuple[Topic, ...]:
    topics: dict[str, Topic] = {}
    for source in sources:
        f = _Fields(source, TOPIC_KEYS, problems)
        slug = f.slug(config.slug_mode)
        title = f.text("title", required=True)
        summary = f.text("summary")
        if not summary:
            f.warning(
                "summary",
                "topic has no 'summary': the In Focus card would be empty; write one or two sentences",
            )
        order = f.data.get("order", 0)
        if not isinstance(order, int) or isinstance(order, bool):
            f.error("order", f"'order' must be a whole number, not {_describe(order)}")
            order = 0
        if slug is None or not title:
            continue
        if slug in topics:
            f.error("title", f"topic '{slug}' is defined twice (also in {topics[slug].source})")
            continue
        rendered = bodies[source.path]
        topics[slug] = Topic(
            slug, title, summary, order, rendered.html, f.image(),
            permalink(config, "topic", topic=slug), source.path, source.digest,
        )  # fmt: skip
    return tuple(sorted(topics.values(), key=lambda t: (t.order, t.title.casefold(), t.slug)))


def _pages(
    sources: Iterable[Source], config: SiteConfig, bodies: Mapping[str, Rendered], problems: Problems
) -> tuple[Page, ...]:
    pages: dict[str, Page] = {}
    for source in sources:
        f = _Fields(source, PAGE_KEYS, problems)
        slug = f.slug(config.slug_mode)
        title = f.text("title", required=True)
        if f.flag("draft") or slug is None or not title:
            continue
        if slug in pages:
            f.error("slug", f"page '{slug}' is defined twice (also in {pages[slug].source})")
            continue
        rendered = bodies[source.path]
        summary = f.text("summary") or shorten(rendered.first_paragraph)
        pages[slug] = Page(
            slug, title, summary, rendered.html, permalink(config, "page", slug=slug), source.path, source.digest
        )
    return tuple(sorted(pages.values(), key=lambda p: p.slug))


@dataclass(frozen=True)
class _Parsed:
    """An article read and checked on its own, before tags, topics and related are joined up.

    Nothing in it depends on another file, on the build's now or on the body's
    HTML, so a later build reuses it while the file and the settings are the same.
    """

    article: Article  # tags, topics and body_html empty, status "draft" or "" until `finish`
    tag_names: tuple[tuple[str, int], ...]  # display text, line
    tag_keys: tuple[str, ...]  # what makes spellings one tag (see `_merge_tags`), each once, in order
    topic_slugs: tuple[str, ...]
    path: str
    image_line: int  # where the front matter names the lead image (checked against static/ each build)


@dataclass(frozen=True)
class _RelatedRef:
    """An article's `related` list, kept even when the article itself has errors."""

    path: str
    slug: str
    related: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class _Checked:
    """What reading one article gave: the article (None when it has errors), its
    `related` list and the problems found, all remembered between builds."""

    parsed: _Parsed | None
    ref: _RelatedRef
    problems: tuple[Problem, ...]


# The modules whose code decides what `_ArticleReader.read` finds.
_CHECKING_CODE = ("graph.py", "fields.py", "dates.py", "urls.py", "yamlread.py")


@functools.cache
def _code_digest() -> str:
    """A remembered check made by other code is not reused: the version number does not
    change with every edit of a working copy, and a changed check must be seen at once."""
    digest = hashlib.blake2b(digest_size=16)
    for name in _CHECKING_CODE:
        with suppress(OSError):
            digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()


def _check_articles(sources: Iterable[Source], reader: _ArticleReader, cache: Cache | None) -> list[_Checked]:
    """Each article read and checked on its own, or as an earlier build found it when
    neither the file nor anything `read` depends on has changed since."""
    memo = Remembered("article", reader.settings_key(), cache)
    checked: list[_Checked] = []
    for source in sources:
        entry = memo.get(source.path, source.digest)
        if not isinstance(entry, _Checked):
            entry = reader.read(source)
            memo.put(source.path, source.digest, entry)
        checked.append(entry)
    memo.save(entry.ref.path for entry in checked)
    return checked


class _ArticleReader:
    def __init__(
        self,
        config: SiteConfig,
        now: datetime,
        sections: tuple[Section, ...],
        topics: tuple[Topic, ...],
        bodies: Mapping[str, Rendered],
    ) -> None:
        self.config = config
        self.now = now
        self.sections = {s.slug: s for s in sections}
        self.topics = {t.slug: t for t in topics}
        self.bodies = bodies
        self.tz = config.tz

    def settings_key(self) -> str:
        """Everything besides the file that `read` looks at: the settings (not the site's
        host, which only changes absolute URLs), the names of the topics, the code that
        checks, and the shape of the values it makes."""
        config = replace(self.config, base_url=self.config.base_path)
        shapes = [tuple(f.name for f in fields(cls)) for cls in (Article, Section, Author, Image, _Parsed, _RelatedRef)]
        key = (__version__, _code_digest(), EXTENSIONS, repr(config), sorted(self.topics), shapes)
        return hashlib.blake2b(repr(key).encode(), digest_size=16).hexdigest()

    def read(self, source: Source) -> _Checked:
        problems = Problems()
        parsed, ref = self._read(source, problems)
        return _Checked(parsed, ref, tuple(problems))

    def _read(self, source: Source, problems: Problems) -> tuple[_Parsed | None, _RelatedRef]:
        f = _Fields(source, ARTICLE_KEYS, problems)
        before = problems.error_count
        title = f.text("title", required=True)
        date = f.when("date", self.tz, required=True)
        updated = f.when("updated", self.tz)
        if date and updated and updated < date:
            f.warning("updated", "'updated' is before 'date'; it is ignored")
            updated = None
        section = self._section(f)
        slug = f.slug(self.config.slug_mode)
        topics = self._topics(f)
        tag_line = f.line("tags")
        tag_names = tuple((name, tag_line) for name in f.text_list("tags"))
        ref = _RelatedRef(
            source.path,
            slug or make_slug(source.stem, self.config.slug_mode),
            tuple(f.text_list("related")),
            f.line("related"),
        )
        authors = tuple(Author(make_slug(n, self.config.slug_mode), n) for n in f.text_list("author"))
        aliases = self._aliases(f)
        image = f.image()
        editors_choice = f.flag("editors_choice")
        draft = f.flag("draft")
        explicit_summary = f.text("summary")
        if problems.error_count > before or date is None or section is None or slug is None:
            return None, ref
        rendered = self.bodies[source.path]
        local = date.astimezone(self.tz)
        url = permalink(
            self.config, "article", section=section.slug, year=f"{local.year:04d}",
            month=f"{local.month:02d}", day=f"{local.day:02d}", slug=slug,
        )  # fmt: skip
        article = Article(
            slug=slug,
            title=title,
            date=local,
            updated=updated.astimezone(self.tz) if updated else None,
            section=section,
            tags=(),
            topics=(),
            authors=authors,
            summary=explicit_summary or shorten(rendered.first_paragraph),
            body_html="",
            reading_minutes=rendered.reading_minutes,
            image=image,
            editors_choice=editors_choice,
            status="draft" if draft else "",
            url=url,
            source=source.path,
            digest=source.digest,
            aliases=aliases,
            extra=FrozenMap({k: v for k, v in f.data.items() if k not in ARTICLE_KEYS}),
        )
        tag_keys = tuple(dict.fromkeys(fold_key(name, self.config.slug_mode) for name, _ in tag_names))
        return _Parsed(article, tag_names, tag_keys, topics, source.path, f.line("image")), ref

    def finish(self, parsed: _Parsed, tags: dict[str, Tag]) -> Article:
        """The article joined up with this build: its tags (spelled as the site spells
        them), its section and topics as they are now, its body, its status at `now`."""
        article = parsed.article
        # `dataclasses.replace` without running the frozen `__init__` again, which sets each
        # of twenty fields through `object.__setattr__`: ten thousand articles a rebuild.
        # (Article has no `__post_init__` to skip.)
        joined = object.__new__(Article)
        vars(joined).update(
            vars(article),
            section=self.sections[article.section.slug],
            tags=tuple([tags[key] for key in parsed.tag_keys if key in tags]),
            topics=tuple([self.topics[slug] for slug in parsed.topic_slugs]),
            body_html=self.bodies[parsed.path].html,
            status=article.status or ("scheduled" if article.date > self.now else "published"),
        )
        return joined

    def _section(self, f: _Fields) -> Section | None:
        if "section" not in f.data or f.data["section"] is None:
            return next(iter(self.sections.values()))
        name = f.text("section")
        key = make_slug(name, self.config.slug_mode)
        if key in self.sections:
            return self.sections[key]
        f.error(
            "section",
            f"unknown section '{name}'{did_you_mean(key, self.sections)}; "
            f"declared in site.yaml: {', '.join(self.sections)}",
        )
        return None

    def _topics(self, f: _Fields) -> tuple[str, ...]:
        found = []
        for name in f.text_list("topics"):
            if name in self.topics:
                found.append(name)
            else:
                f.error(
                    "topics",
                    f"unknown topic '{name}'{did_you_mean(name, self.topics)}; "
                    f"topics are the files in content/topics/ (add content/topics/{name}.md to create it)",
                )
        return tuple(found)

    def _aliases(self, f: _Fields) -> tuple[str, ...]:
        aliases = []
        for alias in f.text_list("aliases"):
            if not alias.startswith("/") or output_path(alias) is None:
                f.error("aliases", f"alias must be a site path like '/old/path/': {alias!r}")
            else:
                aliases.append(alias)
        return tuple(aliases)


def _merge_tags(parsed: list[_Parsed], config: SiteConfig, problems: Problems) -> dict[str, Tag]:
    """One Tag per fold key: spellings that differ only in case or accents are merged, with a warning.

    The most used spelling is shown, and its slug is the tag's URL.
    """
    mode = config.slug_mode
    # Ten thousand articles use a few hundred spellings: count those first, then look at each once.
    uses = Counter(name for p in parsed for name, _ in p.tag_names)
    spellings: dict[str, dict[str, int]] = defaultdict(dict)
    for name, count in uses.items():
        spellings[fold_key(name, mode)][name] = count
    unusable = spellings.pop("", {})
    tags: dict[str, Tag] = {}
    for key, counts in spellings.items():
        name = min(counts, key=lambda n: (-counts[n], n))
        slug = make_slug(name, mode)
        tags[key] = Tag(slug, name, permalink(config, "tag", tag=slug))
    merged = {name for name in uses if (tag := tags.get(fold_key(name, mode))) and name != tag.name}
    if not unusable and not merged:
        return tags
    warned: set[str] = set()
    for p in parsed:
        for name, line in p.tag_names:
            if name in unusable:
                problems.error(p.path, line, f"tag {name!r} has no letters or digits to make a URL from")
            elif name in merged and name not in warned:
                warned.add(name)
                tag = tags[fold_key(name, mode)]
                problems.warning(
                    p.path,
                    line,
                    f"tag '{name}' is written '{tag.name}' elsewhere; both are one tag, shown as '{tag.name}'",
                )
    return tags


def _check_unique(articles: list[Article], problems: Problems) -> None:
    by_slug: dict[str, Article] = {}
    by_url: dict[str, Article] = {}
    for article in articles:
        if article.slug in by_slug:
            problems.error(
                article.source, 1,
                f"two articles have the slug '{article.slug}': this one and "
                f"{by_slug[article.slug].source}; give one a different file name or 'slug:'",
            )  # fmt: skip
        else:
            by_slug[article.slug] = article
        if article.url in by_url and by_url[article.url].slug != article.slug:
            problems.error(
                article.source, 1,
                f"two articles have the URL {article.url}: this one and {by_url[article.url].source}",
            )  # fmt: skip
        else:
            by_url.setdefault(article.url, article)


def _explicit_related(
    refs: list[_RelatedRef], known: set[str], visible: set[str], problems: Problems
) -> dict[str, tuple[str, ...]]:
    explicit: dict[str, tuple[str, ...]] = {}
    for ref in refs:
        chosen = []
        for slug in ref.related:
            if slug == ref.slug:
                problems.warning(ref.path, ref.line, f"article lists itself in 'related': '{slug}'")
            elif slug not in known:
                hint = did_you_mean(slug, known - {ref.slug})
                problems.error(
                    ref.path,
                    ref.line,
                    f"related article '{slug}' does not exist{hint}; "
                    "'related' lists article slugs (file names without .md)",
                )
            elif slug in visible:
                chosen.append(slug)
        explicit[ref.slug] = tuple(chosen)
    return explicit
