"""The build, top to bottom: load -> graph -> routes -> render -> write.

Input: `BuildOptions` (the site folder, the build's now, what to show, where
to write). Output: a `BuildResult` with its problems and timings. Nothing is
written unless every stage succeeded.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from pathlib import Path, PurePosixPath

from .config import load_config
from .graph import Visibility, build_site
from .i18n import load_language
from .links import check_links
from .load import read_sources
from .problems import Problems
from .render import Renderer
from .routes import plan
from .theme import static_dirs, template_dirs
from .write import publish


class Status(Enum):
    BUILT = 0
    CONTENT_ERRORS = 1
    CONFIG_ERRORS = 2


@dataclass(frozen=True)
class BuildOptions:
    site: Path
    now: datetime
    out: Path | None = None  # None: check only, write nothing
    drafts: bool = False
    future: bool = False
    base_url: str | None = None
    strict: bool = False


@dataclass
class BuildResult:
    status: Status
    problems: Problems
    pages: int = 0
    files: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def wrote(self) -> bool:
        return self.status is Status.BUILT and self.files > 0


def build(options: BuildOptions) -> BuildResult:
    problems = Problems()
    timings: dict[str, float] = {}

    @contextmanager
    def stage(name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        timings[name] = time.perf_counter() - start

    def failed(status: Status) -> BuildResult:
        return BuildResult(status, problems, timings=timings)

    root = options.site
    with stage("config"):
        config = load_config(root, problems)
        if config is None:
            return failed(Status.CONFIG_ERRORS)
        if options.base_url is not None:
            config = config.with_base_url(options.base_url)
        language = load_language(config.language, config.date_format, template_dirs(root), problems)
    with stage("load"):
        sources = read_sources(root, problems)
    with stage("graph"):
        visibility = Visibility(drafts=options.drafts, future=options.future)
        site = build_site(sources, config, options.now, problems, visibility)
        routes = plan(site, problems)
    if problems.has_errors():
        return failed(Status.CONTENT_ERRORS)
    with stage("render"):
        renderer = Renderer(site, template_dirs(root), language)
        pages: list[tuple[PurePosixPath, bytes]] = []
        for route in routes:
            html = renderer.render(route, problems)
            if html is not None:
                pages.append((route.path, html))
    if problems.has_errors():
        return failed(Status.CONTENT_ERRORS)
    with stage("links"):
        files = {path for path, _ in pages} | _static_files(root)
        sources_of = {route.path: route.source for route in routes}
        check_links(((sources_of[p], html) for p, html in pages), files, config.base_path, problems)
    if problems.has_errors(options.strict):
        return failed(Status.CONTENT_ERRORS)
    result = BuildResult(Status.BUILT, problems, pages=len(pages), timings=timings)
    if options.out is not None:
        with stage("write"):
            stats = publish(options.out, pages, static_dirs(root))
        result.files = stats.pages + stats.static
    return result


def _static_files(root: Path) -> set[PurePosixPath]:
    files: set[PurePosixPath] = set()
    for folder in static_dirs(root):
        files.update(
            PurePosixPath(p.relative_to(folder).as_posix()) for p in folder.rglob("*") if p.is_file()
        )
    return files

