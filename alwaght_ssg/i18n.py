"""The site's language: interface words, dates and writing direction.

Input: `language` from site.yaml and the theme's word lists
(`templates/i18n/<language>.yaml`, English as the fallback for missing words).
Output: a `Language` that templates use as `t("Related Content")`,
`date|longdate` and `dir`. Dates are formatted by Babel from CLDR data, never
by switching the process locale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from .problems import Problems
from .yamlread import read_yaml

FALLBACK = "en"


@dataclass(frozen=True)
class Language:
    code: str
    date_format: str
    words: dict[str, str] = field(default_factory=dict)

    @cached_property
    def locale(self) -> Locale:
        return Locale.parse(self.code.replace("-", "_"))

    @property
    def direction(self) -> str:
        return "rtl" if self.locale.character_order == "right-to-left" else "ltr"

    def word(self, key: str, **values: object) -> str:
        text = self.words.get(key, key)
        return text.format(**values) if values else text

    def long_date(self, when: datetime) -> str:
        """ "Monday 21 April 2025", in the site's language."""
        return format_date(when, self.date_format, locale=self.locale)

    def time(self, when: datetime) -> str:
        return format_datetime(when, "HH:mm", tzinfo=when.tzinfo, locale=self.locale)

    def month(self, when: datetime) -> str:
        return format_date(when, "LLLL y", locale=self.locale)

    def number(self, value: int) -> str:
        return format_decimal(value, locale=self.locale)


def load_language(code: str, date_format: str, folders: list[Path], problems: Problems) -> Language:
    """Words for `code` from the first folder that has them, over the English ones."""
    words: dict[str, str] = {}
    base = code.split("-")[0].split("_")[0]
    for name in dict.fromkeys([FALLBACK, base, code]):
        for folder in folders:
            path = folder / "i18n" / f"{name}.yaml"
            if path.is_file():
                rel = f"templates/i18n/{name}.yaml"
                doc = read_yaml(path.read_text(encoding="utf-8-sig"), rel, problems)
                if doc:
                    words.update({str(k): str(v) for k, v in doc.data.items()})
                break
    return Language(code, date_format, words)
