"""Markdown -> HTML, plus what listings need from a body: summary and reading time.

Input: a Markdown body. Output: a `Rendered` value (HTML, plain-text first
paragraph, word count). Python-Markdown with tables, footnotes, fenced code,
attribute lists, heading ids, smart quotes and sane lists; raw HTML passes
through because editors are trusted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown
from markdown.extensions.toc import slugify, slugify_unicode

EXTENSIONS = ["tables", "footnotes", "fenced_code", "attr_list", "toc", "smarty", "sane_lists"]
WORDS_PER_MINUTE = 220
SUMMARY_CHARS = 220
_WORD = re.compile(r"\w+", re.UNICODE)
_ROOT_LINK = re.compile(r"""(\s(?:href|src)=")/(?!/)""")


@dataclass(frozen=True)
class Rendered:
    html: str
    first_paragraph: str
    words: int

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.words / WORDS_PER_MINUTE))


class Markup:
    """One reusable Markdown converter (building it is the slow part)."""

    def __init__(self, slug_mode: str = "transliterate", base_path: str = "/") -> None:
        self._base = base_path.rstrip("/")
        self._md = markdown.Markdown(
            extensions=EXTENSIONS,
            extension_configs={
                "toc": {"slugify": slugify_unicode if slug_mode == "unicode" else slugify},
                "footnotes": {"BACKLINK_TITLE": "Back to reference %d"},
            },
            output_format="html",
        )

    def render(self, text: str) -> Rendered:
        self._md.reset()
        html = self._md.convert(text)
        if self._base:
            # Editors link to `/archive/`; on a site served from `/newsroom/` that must become `/newsroom/archive/`.
            html = _ROOT_LINK.sub(lambda m: m.group(1) + self._base + "/", html)
        plain = _Text()
        plain.feed(html)
        return Rendered(html, plain.first_paragraph(), len(_WORD.findall(plain.all_text())))


def shorten(text: str, limit: int = SUMMARY_CHARS) -> str:
    """Cut plain text at a word boundary, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0].rstrip(",;:.-–—")
    return cut + "…"


class _Text(HTMLParser):
    """Plain text of an HTML fragment, and of its first top-level paragraph."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._chunks: list[str] = []
        self._first: list[str] | None = None
        self._in_p = 0
        self._done = False
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "sup"):
            self._skip += 1
        if tag == "p" and not self._done:
            self._in_p += 1
            if self._first is None:
                self._first = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "sup") and self._skip:
            self._skip -= 1
        if tag == "p" and self._in_p:
            self._in_p -= 1
            if self._first is not None and "".join(self._first).strip():
                self._done = True
            else:
                self._first = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self._chunks.append(data)
        if self._in_p and not self._done and self._first is not None:
            self._first.append(data)

    def first_paragraph(self) -> str:
        return " ".join("".join(self._first or []).split())

    def all_text(self) -> str:
        return " ".join(self._chunks)
