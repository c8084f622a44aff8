"""Routes -> files in the staging folder, rendering only pages whose inputs changed.

Input: the routes, a renderer, the staging folder, each page's fingerprint
and the records of the previous build. Output: per page its digest, the
internal links it contains and its problems; a page whose fingerprint is
unchanged is carried over from the previous output without rendering, and a
re-rendered page whose bytes are unchanged is carried over too, so only
changed files are written. Rendering runs on all cores.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from .links import targets
from .parallel import run
from .problems import Problem, Problems
from .render import Renderer
from .routes import Route
from .write import Staging

Records = dict[str, tuple[str, str]]  # output path -> (fingerprint, digest)


@dataclass(frozen=True)
class PageResult:
    digest: str | None  # None: the page failed to render
    status: str  # "written", "unchanged" or "reused" (not rendered at all)
    links: frozenset[str]
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class _Work:
    routes: tuple[Route, ...]
    fingerprints: tuple[str, ...]
    renderer: Renderer
    staging: Staging | None
    previous: Records


def build_pages(
    routes: tuple[Route, ...],
    fingerprints: tuple[str, ...],
    renderer: Renderer,
    staging: Staging | None,
    previous: Records,
    jobs: int,
    progress: Callable[[int], None] | None = None,
) -> list[PageResult]:
    results: list[PageResult | None] = [None] * len(routes)
    todo: list[int] = []
    for i, route in enumerate(routes):
        old = previous.get(str(route.path))
        if old and staging and old[0] == fingerprints[i] and staging.keep(route.path):
            results[i] = PageResult(old[1], "reused", frozenset(), ())
        else:
            todo.append(i)
    if progress:
        progress(len(routes) - len(todo))
    work = _Work(tuple(routes[i] for i in todo), tuple(fingerprints[i] for i in todo), renderer, staging, previous)
    for i, result in zip(todo, run(_render_one, work, len(todo), jobs, progress), strict=True):
        results[i] = result
    return [r for r in results if r is not None]


def _render_one(work: _Work, index: int) -> PageResult:
    route = work.routes[index]
    problems = Problems()
    html = work.renderer.render(route, problems)
    if html is None:
        return PageResult(None, "failed", frozenset(), tuple(problems))
    digest = hashlib.blake2b(html, digest_size=16).hexdigest()
    old = work.previous.get(str(route.path))
    if work.staging is None:
        status = "checked"
    elif old and old[1] == digest and work.staging.keep(route.path):
        status = "unchanged"
    else:
        work.staging.write(route.path, html)
        status = "written"
    return PageResult(digest, status, targets(html), tuple(problems))
