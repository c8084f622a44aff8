"""Routes -> HTML bytes through the Jinja2 theme.

Input: the `Site`, its routes and the theme folders (the site's `templates/`
first, then the default theme). Output: the bytes of each page. Jinja runs with
autoescaping and StrictUndefined, so a typo in a template is an error at
`templates/x.html:LINE` instead of a silent blank.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .config import SiteConfig
from .feeds import Feed, render_feed
from .i18n import Language
from .images import Picture, srcset
from .model import Site
from .problems import Problems
from .routes import ListPage, RedirectsFile, Route, feed_urls
from .sitemaps import (
    NewsSitemap,
    Robots,
    Sitemap,
    SitemapIndex,
    render_index,
    render_news,
    render_robots,
    render_sitemap,
)
from .urls import absolute_url, site_url


class Renderer:
    def __init__(
        self,
        site: Site,
        template_dirs: list[Path],
        language: Language,
        bytecode_dir: Path | None = None,
        pictures: Mapping[str, Picture] | None = None,
    ) -> None:
        self.site = site
        self.template_dirs = template_dirs
        config = site.config
        env = jinja2.Environment(
            loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(d)) for d in template_dirs]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            # Compiled templates are kept between builds (Jinja checks each source's mtime).
            bytecode_cache=jinja2.FileSystemBytecodeCache(str(bytecode_dir)) if bytecode_dir else None,
        )
        # Babel formatting is slow and the same dates recur on thousands of pages.
        longdate = lru_cache(maxsize=None)(language.long_date)

        @cache
        def timetag(when: datetime) -> Markup:
            return Markup('<time datetime="{}">{}</time>').format(when.isoformat(), longdate(when))

        env.filters.update(
            timetag=timetag,
            url=lambda u: site_url(config, u),
            absurl=lambda u: absolute_url(config, u),
            longdate=longdate,
            clock=lru_cache(maxsize=None)(language.time),
            monthname=lru_cache(maxsize=None)(language.month),
            number=lru_cache(maxsize=None)(language.number),
        )
        env.globals.update(
            site=site,
            config=config,
            t=language.word,
            lang=language.code,
            dir=language.direction,
            fragment=self._fragment,
            feeds_for=self._feeds_for,
            # an image's published sizes (site URL -> Picture), for <picture>, srcset, width and height
            picture=lambda src: (pictures or {}).get(src),
            srcset=lambda picture, mime: srcset(picture, mime, config.base_path),
        )
        env.filters["jsonld"] = _json_ld
        self.env = env
        self._fragments: dict[str, Markup] = {}

    def _feeds_for(self, view: object) -> tuple[str, ...]:
        """The Atom and RSS feeds a page's head announces (none when feeds are off)."""
        if not self.site.config.origin:
            return ()
        if isinstance(view, ListPage) and view.kind in ("section", "tag", "topic"):
            return feed_urls(view.subject.url)
        return feed_urls("/")

    def _fragment(self, name: str) -> Markup:
        """A partial that is the same on every page (the rail), rendered once per process."""
        if name not in self._fragments:
            self._fragments[name] = Markup(self.env.get_template(name).render())
        return self._fragments[name]

    def render(self, route: Route, problems: Problems) -> bytes | None:
        machine = _MACHINE.get(type(route.view))
        if machine is not None:
            return machine(route.view, self.site.config)
        try:
            template = self.env.get_template(route.template)
            return template.render(page=route.view).encode("utf-8")
        except jinja2.TemplateSyntaxError as exc:
            problems.error(self._where(exc.filename), exc.lineno, f"template syntax: {exc.message}")
        except jinja2.TemplateNotFound as exc:
            problems.error(
                f"templates/{route.template}", 0,
                f"template not found: {exc.name}; add it to templates/ or fix the name",
            )  # fmt: skip
        except jinja2.TemplateError as exc:
            path, line = self._frame(exc)
            problems.error(path, line, f"template error: {exc.message}", page=route.url)
        return None

    def _where(self, filename: str | None) -> str:
        if not filename:
            return "templates"
        path = Path(filename)
        for folder in self.template_dirs:
            if path.is_relative_to(folder):
                rel = path.relative_to(folder).as_posix()
                root = self.site.config.root
                return f"templates/{rel}" if folder.parent == root else f"{folder.as_posix()}/{rel}"
        return filename

    def _frame(self, exc: BaseException) -> tuple[str, int]:
        """The innermost template frame of a rendering error (Jinja rewrites tracebacks)."""
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename.endswith((".html", ".xml", ".txt")):
                return self._where(frame.filename), frame.lineno or 0
        return "templates", 0


def _redirects(view: RedirectsFile, config: SiteConfig) -> bytes:
    lines = [f"{site_url(config, old)} {site_url(config, new)} 301" for old, new in view.redirects]
    return ("\n".join(lines) + "\n").encode()


_MACHINE: dict[type, Callable[[Any, SiteConfig], bytes]] = {
    Feed: render_feed,
    Sitemap: render_sitemap,
    SitemapIndex: render_index,
    NewsSitemap: render_news,
    Robots: render_robots,
    RedirectsFile: _redirects,
}


def _json_ld(value: object) -> Markup:
    """JSON for a <script type="application/ld+json">: `<`, `>` and `&` are escaped, so a
    headline holding `</script>` cannot end the script early."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)
