"""The build, top to bottom: images -> load -> parse -> graph -> routes -> render -> write.

Input: `BuildOptions` (the site folder, the build's now, what to show, where
to write). Output: a `BuildResult` with its problems, counts and timings. The
new site is written into a staging folder and swapped in only when every
stage succeeded; pages whose inputs did not change since the last build are
carried over instead of rendered, and unchanged bytes are never rewritten.
"""

from __future__ import annotations

import gc
import hashlib
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from pathlib import Path, PurePosixPath
from typing import Protocol

from . import __version__
from .analytics import read_views
from .cache import Cache, Memory
from .config import CONFIG_FILE, load_config
from .depends import chrome_key, fingerprint_all
from .graph import Visibility, build_site
from .i18n import load_language
from .images import FOLDER as IMAGES_FOLDER
from .images import ImageSettings, ImageStats, is_raster, process_images
from .links import body_targets, check_links
from .load import read_sources
from .pages import build_pages
from .parallel import default_jobs
from .parse import render_bodies
from .parse import settings_key as markdown_settings
from .problems import Problems
from .render import Renderer
from .routes import plan
from .search import FOLDER as SEARCH_FOLDER
from .search import build_index
from .theme import static_dirs, static_exclusions, template_dirs
from .write import Staging, static_sources

CACHE_DIR = ".cache"
SEARCH_KEY = "search:"  # + output folder: "fresh" once the index describes the pages there


class Status(Enum):
    BUILT = 0
    CONTENT_ERRORS = 1
    CONFIG_ERRORS = 2


class Progress(Protocol):
    """What the command line shows while a stage runs (a bar on a terminal, nothing in CI)."""

    def start(self, stage: str, total: int) -> Callable[[int], None]: ...

    def finish(self) -> None: ...


@dataclass(frozen=True)
class BuildOptions:
    site: Path
    now: datetime
    out: Path | None = None  # None: check only, write nothing
    drafts: bool = False
    future: bool = False
    base_url: str | None = None
    strict: bool = False
    jobs: int = field(default_factory=default_jobs)
    clean: bool = False  # ignore the cache and the previous output
    search_index: bool = True  # run Pagefind after writing (the dev server runs it in the background)
    # Where Most Viewed's windows end when they end at "now" (default: `now`). The dev server
    # keeps its start time here, so the counts do not shift (and re-render every page) per edit.
    views_now: datetime | None = None


@dataclass
class BuildResult:
    status: Status
    problems: Problems
    pages: int = 0
    written: int = 0  # files whose bytes are new
    unchanged: int = 0  # files carried over from the previous output
    removed: int = 0  # pages of the previous output that are gone
    static: int = 0
    bodies_rendered: int = 0
    pages_rendered: int = 0  # pages whose inputs changed (the rest were not rendered at all)
    bodies_cached: int = 0
    images: ImageStats = field(default_factory=ImageStats)
    search: bool = False  # the site has a search index (whether or not this build ran Pagefind)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def wrote(self) -> bool:
        return self.status is Status.BUILT and self.pages > 0


def build(options: BuildOptions, progress: Progress | None = None, memory: Memory | None = None) -> BuildResult:
    """`memory` keeps what the cache holds between the builds of one process (the dev server)."""
    with _no_cycle_collection():
        return _build(options, progress, memory)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector off while a build runs.

    A build allocates millions of objects that all live until it ends (sources,
    bodies, the graph, the routes), and none of them form cycles: the collector
    would walk them again and again for nothing, about a sixth of a rebuild of a
    large site. Reference counting still frees everything; worker processes
    collect as usual (see parallel.py).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build(options: BuildOptions, progress: Progress | None, memory: Memory | None) -> BuildResult:
    problems = Problems()
    result = BuildResult(Status.BUILT, problems)

    @contextmanager
    def stage(name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            result.timings[name] = time.perf_counter() - start
            if progress:
                progress.finish()

    def bar(name: str, total: int) -> Callable[[int], None] | None:
        return progress.start(name, total) if progress else None

    def failed(status: Status) -> BuildResult:
        result.status = status
        return result

    root = options.site
    cache_dir = root / CACHE_DIR
    if options.clean:
        shutil.rmtree(cache_dir, ignore_errors=True)
        if memory is not None:
            memory.clear()
    cache = Cache(cache_dir, read_only=options.out is None, memory=memory)
    try:
        with stage("config"):
            config = load_config(root, problems)
            if config is None:
                return failed(Status.CONFIG_ERRORS)
            if options.base_url is not None:
                config = config.with_base_url(options.base_url)
            result.search = config.search
            templates = template_dirs(root)
            language = load_language(config.language, config.date_format, templates, problems)
        with stage("images"):
            # Raster images are published as processed copies; `images.pictures` (site URL ->
            # Picture) is what templates need for srcset, width and height.
            static = static_sources(static_dirs(root), static_exclusions(root))
            rasters = sum(1 for rel in static if is_raster(rel))
            store = cache_dir / IMAGES_FOLDER
            write = options.out is not None
            progress_bar = bar("images", rasters)
            settings = ImageSettings(widths=config.image_widths)
            images = process_images(static, root, settings, store, problems, options.jobs, write, progress_bar)
            result.images = images.stats
        with stage("load"):
            sources = read_sources(root, problems, options.jobs, cache)
        with stage("parse"):
            count = len(sources.articles) + len(sources.topics) + len(sources.pages) + len(sources.gallery)
            bodies, body_stats = render_bodies(sources, config, cache, options.jobs, bar("parse", count))
            result.bodies_rendered, result.bodies_cached = body_stats.rendered, body_stats.cached
        with stage("analytics"):
            views = read_views(root, config, options.views_now or options.now, problems, cache, options.jobs)
        with stage("graph"):
            visibility = Visibility(drafts=options.drafts, future=options.future)
            static_urls = frozenset("/" + str(path) for path in static)
            site = build_site(sources, config, options.now, problems, visibility, bodies, cache, views, static_urls)
            routes = plan(site, problems)
        if problems.has_errors():
            return failed(Status.CONTENT_ERRORS)

        staging = Staging(options.out) if options.out is not None else None
        try:
            with stage("render"):
                base = _settings_key(root, options, templates) + chrome_key(site, images.pictures)
                fingerprints = fingerprint_all([route.view for route in routes], base, images.pictures)
                output_key = str(options.out.resolve()) if options.out else ""
                previous = cache.pages(output_key) if staging and not options.clean else {}
                renderer = Renderer(
                    site, templates, language, _bytecode_dir(cache_dir, options.out is None), images.pictures
                )
                pages = build_pages(
                    routes, fingerprints, renderer, staging, previous, options.jobs, bar("render", len(routes))
                )
                for page in pages:
                    problems.extend(page.problems)
                result.pages_rendered = sum(page.status != "reused" for page in pages)
            if problems.has_errors():
                raise _Abandon
            with stage("links"):
                files = {route.path for route in routes} | images.paths
                if config.search:  # written by Pagefind after the pages
                    files |= {PurePosixPath(SEARCH_FOLDER, name) for name in ("pagefind-ui.js", "pagefind-ui.css")}
                bodies_of = [(a.source, a.digest, a.body_html) for a in site.articles]
                bodies_of += [(t.source, t.digest, t.body_html) for t in site.topics]
                bodies_of += [(p.source, p.digest, p.body_html) for p in site.pages]
                linked = [(route.source, page.links) for route, page in zip(routes, pages, strict=True)]
                linked += body_targets(bodies_of, markdown_settings(config), cache)
                check_links(linked, files, config.base_path, problems)
            if problems.has_errors(options.strict):
                raise _Abandon
            result.pages = len(routes)
            if staging is not None:
                with stage("write"):
                    static_files, vanished = staging.copy_files(images.files)
                    for source in vanished:
                        where = source.relative_to(root).as_posix() if source.is_relative_to(root) else str(source)
                        problems.error(where, 0, "file disappeared while the site was being built; build again")
                    if vanished:
                        raise _Abandon
                    written = [r.path for r, p in zip(routes, pages, strict=True) if p.status == "written"]
                    written += [rel for rel, was_written in static_files.items() if was_written]
                    records = {
                        str(r.path): (fp, p.digest or "") for r, fp, p in zip(routes, fingerprints, pages, strict=True)
                    }
                    # Forget the records of the files about to be replaced first: a build killed while
                    # committing must not leave records that describe files it did not finish replacing.
                    replaced = {str(path) for path in written}
                    cache.forget_pages(output_key, replaced)
                    static_list = sorted(map(str, static_files))
                    # Looking for files to remove means walking the whole output: skip it when
                    # the last build wrote the same pages and static files to this output.
                    same_files = previous.keys() == records.keys() and cache.blob("static:" + output_key) == static_list
                    current = None if same_files else {r.path for r in routes} | set(static_files)
                    # Nor may it leave an index that looks up to date when the pages changed under it.
                    if written:
                        cache.store_blob(SEARCH_KEY + output_key, "stale")
                    staging.commit(written, current, preserve=(SEARCH_FOLDER,) if config.search else ())
                cache.update_pages(output_key, records, {p: r for p, r in previous.items() if p not in replaced})
                cache.store_blob("static:" + output_key, static_list)
                index_stale = (
                    written
                    or not (staging.out / SEARCH_FOLDER).is_dir()
                    or cache.blob(SEARCH_KEY + output_key) != "fresh"
                )
                if options.search_index and config.search and index_stale:
                    with stage("search"):
                        failure = build_index(staging.out)
                    if failure:
                        problems.warning(CONFIG_FILE, 0, failure)
                    else:
                        cache.store_blob(SEARCH_KEY + output_key, "fresh")
                result.static = len(static_files)
                result.written = len(written)
                result.unchanged = len(routes) + result.static - result.written
                result.removed = len(set(previous) - set(records))
        except _Abandon:
            if staging is not None:
                staging.abort()
            return failed(Status.CONTENT_ERRORS)
        except KeyboardInterrupt:
            if staging is not None:
                staging.abort()
            raise Interrupted(published=staging is not None and staging.committed) from None
        except BaseException:
            if staging is not None:
                staging.abort()
            raise
        return result
    finally:
        cache.close()


class Interrupted(KeyboardInterrupt):
    """Ctrl-C once the build had begun to write; `published` says whether the new
    pages were already in place (the search index may then be out of date)."""

    def __init__(self, published: bool) -> None:
        super().__init__()
        self.published = published


class _Abandon(Exception):
    """Problems were found after writing into the staging folder began."""


def _bytecode_dir(cache_dir: Path, read_only: bool) -> Path | None:
    folder = cache_dir / "templates"
    if read_only:  # `check` writes nothing, compiled templates included
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder


def _settings_key(root: Path, options: BuildOptions, templates: list[Path]) -> str:
    """Everything besides the page's own view that can change a page's bytes."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{__version__}|{options.base_url}|{options.drafts}|{options.future}".encode())
    h.update((root / CONFIG_FILE).read_bytes())
    for folder in templates:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()
