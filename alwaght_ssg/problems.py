"""Problems: the one way a build reports what is wrong with its input.

Every stage appends `Problem` values to a `Problems` collector it is handed;
nothing raises for a content mistake. The command line prints them sorted,
like a compiler (`path:line: error: message`), with a one-line summary, and
the dev server shows the same lines in the browser.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from enum import Enum


class Severity(Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    severity: Severity
    message: str
    # The page being rendered when a template went wrong. Not part of the problem's identity:
    # a mistake in a partial every page includes is one problem, reported once.
    page: str = field(default="", compare=False)
    others: int = field(default=0, compare=False)  # further pages with the same problem

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.severity.value}: {self.message}"
        if self.page:
            more = f" and {_plural(self.others, 'other page')}" if self.others else ""
            text += f" (rendering {self.page}{more})"
        return text


def _sort_key(p: Problem) -> tuple[str, int, int, str]:
    return (p.path, p.line, 0 if p.severity is Severity.ERROR else 1, p.message)


class Problems:
    """Collects problems across a whole run; the only mutable object passed around."""

    def __init__(self) -> None:
        self._items: list[Problem] = []
        self._error_count = 0  # has_errors is asked after every article: keep it cheap

    def error(self, path: str, line: int, message: str, page: str = "") -> None:
        self._items.append(Problem(path, line, Severity.ERROR, message, page))
        self._error_count += 1

    def warning(self, path: str, line: int, message: str) -> None:
        self._items.append(Problem(path, line, Severity.WARNING, message))

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self._items.append(problem)
            self._error_count += problem.severity is Severity.ERROR

    def __iter__(self) -> Iterator[Problem]:
        pages: dict[Problem, set[str]] = {}
        for problem in self._items:
            pages.setdefault(problem, set()).add(problem.page)
        merged = []
        for problem, seen in pages.items():
            seen.discard("")
            if seen:  # the first page in URL order stands for them all
                problem = replace(problem, page=min(seen), others=len(seen) - 1)
            merged.append(problem)
        return iter(sorted(merged, key=_sort_key))

    def __len__(self) -> int:
        return len(set(self._items))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self if p.severity is Severity.WARNING]

    @property
    def error_count(self) -> int:
        """Errors reported so far (an error reported twice counts twice)."""
        return self._error_count

    def has_errors(self, strict: bool = False) -> bool:
        return self._error_count > 0 or (strict and bool(self.warnings))

    def summary(self, wrote: bool) -> str:
        """`3 errors, 1 warning in 2 files; nothing was written`."""
        items = list(self)
        errors = sum(p.severity is Severity.ERROR for p in items)
        warnings = len(items) - errors
        files = len({p.path for p in items})
        parts = []
        if errors:
            parts.append(_plural(errors, "error"))
        if warnings:
            parts.append(_plural(warnings, "warning"))
        text = ", ".join(parts) + f" in {_plural(files, 'file')}"
        if not wrote:
            text += "; nothing was written"
        return text


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ` (did you mean 'x'?)` suffix for a near miss, or the empty string."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


def one_of(choices: Iterable[str]) -> str:
    return ", ".join(f"'{c}'" for c in choices)
