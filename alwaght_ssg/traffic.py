"""Counted views, whatever they were read from: the shared vocabulary of the analytics readers.

A `Counts` holds parallel numpy arrays, one row per (site path, stretch of time): how many
views fell in the minutes `[start, start + length)`. A logged request is one minute long; an
export row that says "240 views on 25 November" is spread over that day's 1,440 minutes; an
export without dates over the period it covers. Counting a window is then the overlap of
each row with the window, in proportion. Minutes are counted from the Unix epoch, in UTC.

`view_path` turns whatever a log or an export wrote (a request target, a full URL, an
escaped Arabic slug) into the site path an article is published at, or None for anything
that is not a page (a stylesheet, an image, a feed, a path outside the site's base path).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from urllib.parse import unquote, urlsplit

import numpy as np

# Substrings of user agents that are not readers (matched case-insensitively); site.yaml
# `most_viewed.bots` adds to them. "-" and an empty agent count as bots as well.
BOT_MARKERS = (
    "bot", "crawl", "spider", "slurp", "archiver", "facebookexternalhit", "embedly",
    "preview", "fetcher", "scraper", "monitor", "uptime", "pingdom", "lighthouse",
    "headless", "phantomjs", "curl/", "wget/", "python-requests", "python-urllib", "aiohttp",
    "go-http-client", "java/", "okhttp", "libwww", "httpclient", "feedparser", "rss",
)  # fmt: skip

PAGE_SUFFIXES = (".html", ".htm")
VISITOR_KEYS = "polynomial-64"  # how logs' visitor keys are made (accesslog._hashes); cached ones follow it
FLOATING = -(2**31 - 1)  # the start of rows from an export that says nothing of its period
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MINUTES_PER_DAY = 1440


@dataclass(frozen=True)
class Views:
    """Views per site path in each window (`day`, `week`, `month`), and where the windows end."""

    windows: dict[str, dict[str, float]] = field(default_factory=dict)
    until: datetime | None = None


@dataclass
class Counts:
    """Views per path and stretch of minutes, as parallel arrays (see the module docstring)."""

    paths: list[str] = field(default_factory=list)
    path: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    start: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    length: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    count: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float64))

    def __len__(self) -> int:
        return len(self.path)

    @staticmethod
    def merge(parts: list[Counts]) -> Counts:
        """One `Counts` over every part, with one path table; equal rows are summed."""
        table: dict[str, int] = {}
        paths: list[str] = []
        columns: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        for part in parts:
            if not len(part):
                continue
            remap = _remap(part.paths, table, paths)
            columns.append((remap[part.path], part.start, part.length, part.count))
        if not columns:
            return Counts()
        path, start, length, count = (np.concatenate(c) for c in zip(*columns, strict=True))
        key = _row_keys(path, start, length, len(paths))
        # A stable sort merges parts that are in order already (a stored result, the ranges of
        # a log read on two cores) in linear time.
        order = np.lexsort((path, start, length)) if key is None else np.argsort(key, kind="stable")
        path, start, length, count = path[order], start[order], length[order], count[order]
        first = np.ones(len(path), bool)
        if key is None:  # too many paths and lengths for one 64-bit key: compare the columns
            first[1:] = (path[1:] != path[:-1]) | (start[1:] != start[:-1]) | (length[1:] != length[:-1])
        else:
            key = key[order]
            first[1:] = key[1:] != key[:-1]
        at = np.flatnonzero(first)
        summed = count if len(at) == len(path) else np.add.reduceat(count.astype(np.float64), at)
        path, start, length = path[at], start[at], length[at]
        # Stored compactly (minutes since 1970 fit 32 bits until the year 6053): a busy site's
        # month is over a million rows, read back by every build.
        return Counts(
            paths,
            path.astype(np.int32),
            start.astype(np.int32),
            length.astype(np.int32),
            summed.astype(np.float32),
        )

    def latest(self) -> int | None:
        """The minute after the newest counted view, or None when nothing dated was counted."""
        dated = self.start != FLOATING
        if not dated.any():
            return None
        return int((self.start[dated] + self.length[dated]).max())

    def placed(self, end: int, days: int) -> Counts:
        """These counts with the rows of undated exports spread over the `days` before `end`."""
        floating = self.start == FLOATING
        if not floating.any():
            return self
        start, length = self.start.copy(), self.length.copy()
        start[floating] = end - days * MINUTES_PER_DAY
        length[floating] = days * MINUTES_PER_DAY
        return Counts(self.paths, self.path, start, length, self.count)

    def totals(self, end: int, minutes: int) -> dict[str, float]:
        """Views per path in the window `[end - minutes, end)`, spreading rows in proportion."""
        return self.window_totals(end, [minutes])[0]

    def window_totals(self, end: int, lengths: list[int]) -> list[dict[str, float]]:
        """`totals` for several windows ending at `end`, sharing the work on the rows."""
        if not len(self):
            return [{} for _ in lengths]
        stop = self.start + self.length
        rate = self.count / self.length  # views per minute of each row
        clipped_stop = np.minimum(stop, end)
        out = []
        for minutes in lengths:
            overlap = clipped_stop - np.maximum(self.start, end - minutes)
            per_path = np.bincount(self.path, weights=rate * np.maximum(overlap, 0), minlength=len(self.paths))
            out.append({self.paths[i]: float(per_path[i]) for i in np.flatnonzero(per_path > 1e-6)})
        return out


def _row_keys(path: np.ndarray, start: np.ndarray, length: np.ndarray, paths: int) -> np.ndarray | None:
    """One int64 per row ordering rows by length, start and path as `np.lexsort` would, or None
    when the three do not fit in 63 bits. Rows with equal keys are the same stretch of a path."""
    same = not len(length) or bool((length == length[0]).all())  # the usual case: logs only
    lengths = length[:1] if same else np.unique(length)
    low, high = (int(start.min()), int(start.max())) if len(start) else (0, 0)
    if (high - low + 1) * len(lengths) * max(paths, 1) >= 1 << 62:
        return None
    which = np.searchsorted(lengths, length) if len(lengths) > 1 else np.zeros(len(length), np.int64)
    key: np.ndarray = (which.astype(np.int64) * (high - low + 1) + (start.astype(np.int64) - low)) * paths + path
    return key


def _remap(part_paths: list[str], table: dict[str, int], paths: list[str]) -> np.ndarray:
    """Indexes of `part_paths` in the shared `paths` table, adding the new ones."""
    remap = np.empty(len(part_paths), np.int32)
    for i, p in enumerate(part_paths):
        index = table.get(p)
        if index is None:
            index = table[p] = len(paths)
            paths.append(p)
        remap[i] = index
    return remap


def minute_of(moment: datetime) -> int:
    """Minutes since the epoch of an aware datetime, rounded down."""
    return int((moment - EPOCH).total_seconds() // 60)


def moment_of(minute: int) -> datetime:
    return EPOCH + timedelta(minutes=minute)


def local_days(minutes: np.ndarray, tz: tzinfo) -> np.ndarray:
    """The calendar day (in `tz`) of each minute, as days since the epoch."""
    if not len(minutes):
        return np.zeros(0, np.int64)
    hours, inverse = np.unique(minutes // 60, return_inverse=True)
    offsets = np.array([_offset_minutes(int(h), tz) for h in hours], np.int64)
    return (minutes + offsets[inverse.ravel()]) // MINUTES_PER_DAY


def day_start(day: datetime, tz: tzinfo) -> int:
    """The first minute of a calendar day in `tz` (`day` carries the date only)."""
    return minute_of(datetime(day.year, day.month, day.day, tzinfo=tz))


def _offset_minutes(hour: int, tz: tzinfo) -> int:
    offset = (EPOCH + timedelta(hours=hour)).astimezone(tz).utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0


@lru_cache(maxsize=65536)
def view_path(target: str, base_path: str) -> str | None:
    """The site path a request target or URL names, or None when it is not a page of the site.

    Query strings and fragments go, `%D8%A7`-style escapes are decoded, `index.html` and a
    missing trailing slash are normalised, and the site's base path is taken off.
    """
    if target.startswith(("http://", "https://", "//")):
        target = urlsplit(target).path
    target = target.split("#", 1)[0].split("?", 1)[0]
    if not target.startswith("/"):
        return None
    if "%" in target:
        target = unquote(target, errors="strict") if _decodes(target) else target
    while "//" in target:
        target = target.replace("//", "/")
    if not target.startswith(base_path):
        if target + "/" != base_path:
            return None
        target = base_path
    path = "/" + target[len(base_path) :]
    last = path.rsplit("/", 1)[1]
    if last in ("index.html", "index.htm"):
        path = path[: -len(last)]
    elif "." in last:
        if not last.endswith(PAGE_SUFFIXES):
            return None  # a stylesheet, an image, a feed ...
    elif last:
        path += "/"
    return path


def _decodes(target: str) -> bool:
    try:
        unquote(target, errors="strict")
    except UnicodeDecodeError:
        return False
    return True


def bot_markers(extra: tuple[str, ...]) -> tuple[str, ...]:
    return BOT_MARKERS + tuple(marker.lower() for marker in extra)


def is_bot(agent: str, markers: tuple[str, ...]) -> bool:
    lowered = agent.lower()
    return lowered in ("", "-") or any(marker in lowered for marker in markers)


@dataclass
class Visits:
    """Single views with a visitor key, for counting each visitor once a day (`measure: visitors`)."""

    paths: list[str] = field(default_factory=list)
    path: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    minute: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    visitor: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))

    def __len__(self) -> int:
        return len(self.path)

    @staticmethod
    def once_a_day(parts: list[Visits], tz: tzinfo) -> Counts:
        """One view per (path, visitor, calendar day in `tz`), in the hour of the visitor's first."""
        table: dict[str, int] = {}
        paths: list[str] = []
        columns: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for part in parts:
            if not len(part):
                continue
            remap = _remap(part.paths, table, paths)
            columns.append((remap[part.path], part.minute, part.visitor))
        if not columns:
            return Counts()
        path, minute, visitor = (np.concatenate(c) for c in zip(*columns, strict=True))
        path, minute, _ = first_a_day(path, minute, visitor, tz)
        # Counted by the hour, as views are: a month of a busy site stays about a million rows.
        hour = minute // 60 * 60
        kept = Counts(paths, path, hour, np.full(len(path), 60, np.int64), np.ones(len(path)))
        return Counts.merge([kept])


def first_a_day(
    path: np.ndarray, minute: np.ndarray, visitor: np.ndarray, tz: tzinfo
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows of visits with one row per (path, visitor, calendar day in `tz`): its first minute."""
    if not len(path):
        return path, minute, visitor
    day = local_days(minute, tz)
    place = (path.astype(np.int64) << 32) | (day - day.min())  # path and day as one sort key
    order = np.lexsort((visitor, place))
    place, visitor = place[order], visitor[order]
    first = np.ones(len(order), bool)
    first[1:] = (place[1:] != place[:-1]) | (visitor[1:] != visitor[:-1])
    at = np.flatnonzero(first)
    earliest = np.minimum.reduceat(minute[order], at)
    return path[order[at]], earliest, visitor[at]


@dataclass
class Summary:
    """What one analytics file held, as cached between builds."""

    counts: Counts
    visits: Visits
    lines: int = 0
    malformed: int = 0
    first_malformed: int = 0  # line number, 0 when none
    broken: str = ""  # why reading stopped early, or ""
    end: int = 0  # for a plain log: the offset after its last complete line
    note: str = ""  # why the file was not counted at all, or ""
