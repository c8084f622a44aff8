"""Markdown bodies -> `Rendered`, from the cache where possible, on all cores.

Input: the sources and the settings that change how Markdown renders.
Output: each source's rendered body, by source path. The cache key is the
digest of the body's text (worked out when the file was read) plus those
settings and the package version, so an edited body, a changed setting or a
new version re-renders; nothing else does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from . import __version__
from .cache import Cache
from .config import SiteConfig
from .load import Source, Sources
from .markup import EXTENSIONS, Markup, Rendered
from .parallel import run


@dataclass(frozen=True)
class BodyStats:
    rendered: int
    cached: int


def settings_key(config: SiteConfig) -> str:
    return f"{__version__}|{config.slug_mode}|{config.base_path}|{','.join(EXTENSIONS)}"


def body_key(source: Source, settings: str) -> str:
    return hashlib.blake2b(f"{settings}\0{source.body_digest}".encode(), digest_size=20).hexdigest()


def render_bodies(
    sources: Sources,
    config: SiteConfig,
    cache: Cache,
    jobs: int,
    progress: Callable[[int], None] | None = None,
) -> tuple[dict[str, Rendered], BodyStats]:
    every = [*sources.articles, *sources.topics, *sources.pages, *sources.gallery]
    settings = settings_key(config)
    keys = {s.path: body_key(s, settings) for s in every}
    found = cache.bodies(set(keys.values()))
    missing = [s for s in every if keys[s.path] not in found]
    if progress:
        progress(len(every) - len(missing))
    fresh = run(_render, (missing, config.slug_mode, config.base_path), len(missing), jobs, progress)
    new = {keys[s.path]: r for s, r in zip(missing, fresh, strict=True)}
    cache.store_bodies(new)
    found.update(new)
    return {s.path: found[keys[s.path]] for s in every}, BodyStats(len(missing), len(every) - len(missing))


_markup: dict[tuple[str, str], Markup] = {}


def _render(work: tuple[list[Source], str, str], index: int) -> Rendered:
    sources, slug_mode, base_path = work
    markup = _markup.get((slug_mode, base_path))
    if markup is None:  # one converter per process: building it is the slow part
        markup = _markup[(slug_mode, base_path)] = Markup(slug_mode, base_path)
    return markup.render(sources[index].body)
