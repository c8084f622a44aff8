"""Internal links in rendered pages -> warnings for those that lead nowhere.

Input: each page's HTML and where it came from, the set of output files.
Output: a warning per broken internal link (an editor's link in a body to an
article that was renamed, say). External links are not fetched.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from .cache import Cache
from .memo import Remembered
from .problems import Problems
from .urls import output_path

_LINK = re.compile(r"""\s(?:href|src|poster)="([^"]*)\"""")
_SRCSET = re.compile(r"""\ssrcset="([^"]*)\"""")


def targets(html: bytes | str) -> frozenset[str]:
    """The root-relative hrefs, srcs, posters and srcset candidates of a page or body
    (external ones are not checked)."""
    text = html.decode("utf-8", "replace") if isinstance(html, bytes) else html
    found = _LINK.findall(text)
    if "srcset=" in text:
        found += [c.strip().split(" ", 1)[0] for value in _SRCSET.findall(text) for c in value.split(",")]
    return frozenset(h for h in found if h.startswith("/") and not h.startswith("//"))


def body_targets(
    bodies: Iterable[tuple[str, str, str]], settings: str, cache: Cache | None
) -> list[tuple[str, frozenset[str]]]:
    """(source file, its digest, its body's HTML) -> (source file, the body's hrefs).

    A body's HTML follows from its file and the Markdown settings, so the hrefs
    found in it are remembered under the file's digest and those settings:
    scanning ten thousand bodies costs more than the rest of a rebuild's link check.
    """
    memo = Remembered("links", settings, cache)
    found = []
    for source, digest, html in bodies:
        hrefs = memo.get(source, digest)
        if not isinstance(hrefs, frozenset):
            hrefs = targets(html)
            memo.put(source, digest, hrefs)
        found.append((source, hrefs))
    memo.save(source for source, _ in found)
    return found


def check_links(
    pages: Iterable[tuple[str, frozenset[str]]],
    files: set[PurePosixPath],
    base_path: str,
    problems: Problems,
) -> None:
    """`pages` are (source file, hrefs); `files` every output path, pages and static.

    A broken link in the theme shows on every page: it is reported once, at
    the first source in order, with the number of other files that have it.
    """
    broken: dict[str, set[str]] = defaultdict(set)
    verdict: dict[str, str | None] = {}  # href -> what to report, None when fine
    for source, hrefs in pages:
        for href in hrefs:
            if href not in verdict:
                verdict[href] = _broken(href, files, base_path)
            shown = verdict[href]
            if shown is not None:
                broken[shown].add(source)
    for target, sources in sorted(broken.items()):
        first, *others = sorted(sources)
        also = f" (also in {len(others)} other file{'s' if len(others) > 1 else ''})" if others else ""
        problems.warning(first, 0, f"link to {target} leads to no page or file of the site{also}")


def _broken(href: str, files: set[PurePosixPath], base_path: str) -> str | None:
    target = _target(href, base_path)
    if target is None:
        return None
    path = output_path(target) if target.startswith("/") else None
    if path is None:
        return href
    if path in files or path / "index.html" in files:
        return None
    return target


def _target(href: str, base_path: str) -> str | None:
    """The site path an href points at; None for external and in-page links.

    A root-relative link outside the base path (`/archive/` on a site served
    from `/newsroom/`) comes back without its leading slash: it leads nowhere.
    """
    parts = urlsplit(href.replace("&amp;", "&"))
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    path = unquote(parts.path)
    if not path.startswith(base_path):
        return path.lstrip("/")
    return "/" + path[len(base_path) :]
