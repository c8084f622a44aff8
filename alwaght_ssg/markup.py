"""Markdown -> HTML, plus what listings need from a body: summary and reading time.

Input: a Markdown body. Output: a `Rendered` value (HTML, plain-text first
paragraph, word count). Python-Markdown with tables, footnotes, fenced code,
attribute lists, heading ids, smart quotes and sane lists; raw HTML passes
through because editors are trusted.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown
from slugify import slugify

EXTENSIONS = ["tables", "footnotes", "fenced_code", "attr_list", "toc", "smarty", "sane_lists"]
WORDS_PER_MINUTE = 220
SUMMARY_CHARS = 220
_WORD = re.compile(r"\w+", re.UNICODE)
_ROOT_LINK = re.compile(r"""(\s(?:href|src)=")/(?!/)""")
_CODE = re.compile(r"<(pre|code)\b.*?</\1>", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class Rendered:
    html: str
    first_paragraph: str
    words: int

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.words / WORDS_PER_MINUTE))


class Markup:
    """One reusable Markdown converter (building it is the slow part)."""

    def __init__(self, slug_mode: str = "transliterate", base_path: str = "/") -> None:
        self._base = base_path.rstrip("/")
        unicode = slug_mode == "unicode"
        self._md = markdown.Markdown(
            extensions=EXTENSIONS,
            extension_configs={
                # Heading ids follow the site's slug mode, so Arabic headings get ids too.
                "toc": {"slugify": lambda text, sep: slugify(text, separator=sep, allow_unicode=unicode)},
                "footnotes": {"BACKLINK_TITLE": "Back to reference %d"},
            },
            output_format="html",
        )

    def render(self, text: str) -> Rendered:
        self._md.reset()
        html = self._md.convert(text)
        if self._base:
            html = rebase_links(html, self._base)
        plain = _Text()
        plain.feed(html)
        return Rendered(html, plain.first_paragraph(), len(_WORD.findall(plain.all_text())))


def rebase_links(html: str, base: str) -> str:
    """Editors link to `/archive/`; on a site served from `/newsroom/` that is `/newsroom/archive/`.

    Code samples are left alone: an `href="/x"` shown in code is text, not a link.
    """
    out, last = [], 0
    for code in _CODE.finditer(html):
        out.append(_ROOT_LINK.sub(lambda m: m.group(1) + base + "/", html[last : code.start()]))
        out.append(code.group(0))
        last = code.end()
    out.append(_ROOT_LINK.sub(lambda m: m.group(1) + base + "/", html[last:]))
    return "".join(out)


def shorten(text: str, limit: int = SUMMARY_CHARS) -> str:
    """Cut plain text at a word boundary, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit + 1]
    cut = head.rsplit(" ", 1)[0] if " " in head else text[:limit]
    return cut.rstrip(",;:.-–—") + "…"


class _Text(HTMLParser):
    """Plain text of an HTML fragment, and of its first top-level paragraph.

    A paragraph inside a quote, list, table or other container is not the lead:
    a body that opens with a pull quote still gets its lead as the summary.
    """

    CONTAINERS = frozenset({"blockquote", "ul", "ol", "table", "div", "aside", "figure", "details"})
    SKIPPED = frozenset({"script", "style", "sup"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._chunks: list[str] = []
        self._first: list[str] = []
        self._depth = 0  # inside how many containers
        self._in_lead = False
        self._done = False
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self._skip += 1
        elif tag in self.CONTAINERS:
            self._depth += 1
        elif tag == "p" and not self._done and self._depth == 0:
            self._in_lead = True

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED and self._skip:
            self._skip -= 1
        elif tag in self.CONTAINERS and self._depth:
            self._depth -= 1
        elif tag == "p" and self._in_lead:
            self._in_lead = False
            self._done = bool("".join(self._first).strip())

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self._chunks.append(data)
        if self._in_lead:
            self._first.append(data)

    def first_paragraph(self) -> str:
        return " ".join("".join(self._first).split())

    def all_text(self) -> str:
        return " ".join(self._chunks)
