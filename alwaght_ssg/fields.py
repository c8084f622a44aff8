"""Typed reading of one front matter: each value checked, each problem reported at its line.

Every kind of content (articles, topics, pages, gallery items) reads its front matter
through `Fields`, so a wrong type reads the same everywhere:
`content/x.md:4: error: 'tags' must be a list like [a, b] or text like "a, b", not a mapping`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .dates import parse_datetime
from .load import Source
from .model import Image
from .problems import Problems, did_you_mean
from .urls import check_slug, make_slug


class Fields:
    """Typed reading of one front matter, reporting bad values at their line."""

    def __init__(self, source: Source, known: frozenset[str], problems: Problems) -> None:
        self.source = source
        self.data = source.meta.data
        self.problems = problems
        for key in self.data:
            if key not in known:
                hint = did_you_mean(key, known)
                if hint:
                    problems.warning(source.path, self.line(key), f"unknown key '{key}' is kept for templates{hint}")

    def line(self, key: str) -> int:
        return self.source.meta.line(key)

    def error(self, key: str, message: str) -> None:
        self.problems.error(self.source.path, self.line(key), message)

    def warning(self, key: str, message: str) -> None:
        self.problems.warning(self.source.path, self.line(key), message)

    def text(self, key: str, required: bool = False, default: str = "") -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                if key in self.data:
                    self.error(key, f"'{key}' is empty; write the {key} after '{key}:'")
                else:
                    self.error(key, f"'{key}' is required; add a line '{key}: ...' to the front matter")
            return default
        if isinstance(value, (bool, list, dict)):
            self.error(key, f"'{key}' must be text, not {describe(value)}")
            return default
        text = str(value).strip()
        if required and not text:
            self.error(key, f"'{key}' is empty; write the {key} after '{key}:'")
        return text

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.error(key, f"'{key}' must be true or false, not {describe(value)}")
            return False
        return value

    def text_list(self, key: str) -> list[str]:
        """A list of text, or one comma-separated string ("a, b")."""
        value = self.data.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            items: list[Any] = [part for part in value.split(",")]
        elif isinstance(value, list):
            items = value
        else:
            self.error(key, f"'{key}' must be a list like [a, b] or text like \"a, b\", not {describe(value)}")
            return []
        result: list[str] = []
        for item in items:
            if isinstance(item, (list, dict, bool)) or item is None:
                self.error(key, f"each entry of '{key}' must be text, not {describe(item)}")
                continue
            text = str(item).strip()
            if text and text not in result:
                result.append(text)
        return result

    def when(self, key: str, tz: Any, required: bool = False) -> datetime | None:
        if key not in self.data or self.data[key] is None:
            if required:
                self.error(key, f"'{key}' is required; add a line '{key}: YYYY-MM-DD HH:MM'")
            return None
        parsed = parse_datetime(self.data[key], tz)
        if isinstance(parsed, str):
            self.error(key, f"'{key}' is {parsed}")
            return None
        return parsed

    def slug(self, mode: str) -> str | None:
        if "slug" in self.data:
            value = self.data["slug"]
            if not isinstance(value, str):
                number = isinstance(value, int | float) and not isinstance(value, bool)
                hint = f'; write it in quotes: slug: "{value}"' if number else ""
                self.error("slug", f"'slug' must be text, not {describe(value)}{hint}")
                return None
            problem = check_slug(value)
            if problem:
                self.error("slug", f"'slug' {problem}: {value!r}")
                return None
            return value
        slug = make_slug(self.source.stem, mode)
        if not slug:
            self.problems.error(
                self.source.path, 1, "file name gives an empty URL slug; rename the file or add 'slug:'"
            )
            return None
        return slug

    def image(self) -> Image | None:
        src = self.text("image")
        if not src:
            return None
        alt = self.text("image_alt")
        if not alt:
            self.warning("image", "'image' has no 'image_alt'; describe the picture for readers who cannot see it")
        return Image(src, alt, self.text("image_caption"))


def describe(value: object) -> str:
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    if isinstance(value, int | float):  # YAML reads 2026 as a number, which looks like text to an editor
        return f"the number {value}"
    return repr(value) if isinstance(value, str) else f"'{value}'"
