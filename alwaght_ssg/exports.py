"""CSV exports of analytics services -> views per site path and day (or period).

The format is recognised from the header row:

- GoatCounter's pageview export (`.csv.gz`): first header cell `<version>Path` (`2Path`),
  one row per view; rows that are events or bots are skipped; `Session` is the visitor;
  `Date` is RFC 3339.
- Plausible's pages export: `name` or `page`, `pageviews`, `visitors`, `date` if present.
- Umami's pages export: `x` (the path), `y` (views).
- Matomo's flat `Actions.getPageUrls` CSV (often UTF-16): `label` or `url`, `nb_hits`
  (views), `nb_visits`, `date` if present.
- Our own: `path`, `date`, `views`, optionally `visitors`.

A row with a date counts over that calendar day (a date-time: that minute). A file without
dates covers the period its name gives (`pages-2026-11-01-2026-11-26.csv`, or one date for
one day) or else the `most_viewed.export_days` days before the windows end.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import re
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path

import numpy as np

from .traffic import FLOATING, Counts, Summary, Visits, day_start, local_days, minute_of, view_path

ACCEPTED = (
    "GoatCounter (2Path, ..., Date), Plausible (name or page, pageviews[, visitors][, date]), "
    "Umami (x, y), Matomo (label, nb_hits[, nb_visits][, url][, date]), "
    "or path, date, views[, visitors]"
)
_NAME_DATE = re.compile(r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})(?!\d)")
csv.field_size_limit(1 << 20)


class ExportError(Exception):
    """The file cannot be read as an export: the message says what to do."""


@dataclass(frozen=True)
class Period:
    """Where an export without dates goes: [start, start + length) in minutes."""

    start: int
    length: int


@dataclass(frozen=True)
class _Format:
    name: str
    path: str
    views: str | None  # None: one view per row
    visitors: str | None
    date: str | None
    skip: Callable[[dict[str, str]], bool] = lambda row: False


def read_export(path: Path, visitors: bool, base_path: str, tz: tzinfo, floating: bool) -> Summary:
    """Count one export; an unknown header or an export without a period raises ExportError.

    `floating`: an export with no dates and no period in its name is allowed; its rows get
    the `FLOATING` start, and the caller places them before the windows' end.
    """
    counts: dict[tuple[str, int, int], float] = {}
    visits: set[tuple[str, int, int]] = set()
    visit_minute: dict[tuple[str, int, int], int] = {}
    summary = Summary(Counts(), Visits())
    try:
        with _text(path) as stream:
            rows = csv.reader(stream)
            header = next(rows, None)
            if header is None:
                return summary
            form = _recognise([cell.strip() for cell in header])
            if form is None:
                shown = ", ".join(cell.strip() for cell in header[:8])
                raise ExportError(f"unknown CSV export (columns: {shown}); accepted: {ACCEPTED}")
            names = [cell.strip().lower() for cell in header]
            names[0] = re.sub(r"^\d+,?", "", names[0])
            period = None if form.date else _period(path, tz) or (Period(FLOATING, 0) if floating else None)
            if form.date is None and period is None:
                raise ExportError(
                    f"this {form.name} export has no dates: put its period in the file name "
                    "(e.g. pages-2026-11-01-2026-11-26.csv) or set 'most_viewed.export_days' in site.yaml"
                )
            for number, cells in enumerate(rows, start=2):
                if not cells or not any(cells):
                    continue
                summary.lines += 1
                row = dict(zip(names, cells, strict=False))
                try:
                    if form.skip(row):
                        continue
                    where = view_path(_path_of(row, form), base_path)
                    if period is not None:
                        start, length = period.start, period.length
                    else:
                        start, length = _when(row[form.date or ""], tz)
                    views = 1.0 if form.views is None else _number(row[form.views])
                except (KeyError, ValueError):
                    summary.malformed += 1
                    summary.first_malformed = summary.first_malformed or number
                    continue
                if where is None:
                    continue
                if "\ufffd" in where:  # not UTF-8 or UTF-16
                    summary.malformed += 1
                    summary.first_malformed = summary.first_malformed or number
                    continue
                if visitors and form.visitors == "session":
                    key = (where, int(local_days(np.array([start]), tz)[0]), _visitor(row["session"]))
                    if key not in visits:
                        visits.add(key)
                        visit_minute[key] = start
                    else:
                        visit_minute[key] = min(visit_minute[key], start)
                    continue
                if visitors and form.visitors:
                    views = _number(row[form.visitors])
                counts[(where, start, length)] = counts.get((where, start, length), 0.0) + views
    except (OSError, EOFError, zlib.error) as error:
        summary.broken = "the .gz file ends early or is damaged" if path.name.endswith(".gz") else str(error)
    except UnicodeError:
        summary.broken = "the file is not text in UTF-8 or UTF-16"
    summary.counts = _counts(counts)
    summary.visits = _visits(visit_minute)
    return summary


def _recognise(header: list[str]) -> _Format | None:
    lowered = [cell.lower() for cell in header]
    if lowered and re.fullmatch(r"\d+,?path", lowered[0]) and "date" in lowered:
        return _Format(
            "GoatCounter", "path", None, "session", "date",
            skip=lambda row: row.get("event", "").lower() == "true" or row.get("bot", "0") not in ("", "0"),
        )  # fmt: skip
    columns = set(lowered)
    if "pageviews" in columns and columns & {"name", "page"}:
        where = "page" if "page" in columns else "name"
        return _Format("Plausible", where, "pageviews", _has(columns, "visitors"), _has(columns, "date"))
    if lowered[:2] == ["x", "y"]:
        return _Format("Umami", "x", "y", None, None)
    if {"label", "nb_hits"} <= columns:
        where = "url" if "url" in columns else "label"
        return _Format("Matomo", where, "nb_hits", _has(columns, "nb_visits"), _has(columns, "date"))
    if {"path", "date", "views"} <= columns:
        return _Format("path/date/views", "path", "views", _has(columns, "visitors"), "date")
    return None


def _visitor(session: str) -> int:
    return int.from_bytes(hashlib.blake2b(session.encode(), digest_size=8).digest(), "little")


def _has(columns: set[str], name: str) -> str | None:
    return name if name in columns else None


def _path_of(row: dict[str, str], form: _Format) -> str:
    value = row[form.path].strip()
    if form.name == "Matomo" and not value and "label" in row:
        value = row["label"].strip()
    if value and not value.startswith(("/", "http://", "https://")):
        value = "/" + value
    return value


def _number(text: str) -> float:
    value = float(text.strip().replace(",", "") or "0")
    if value < 0 or value != value:
        raise ValueError(text)
    return value


def _when(text: str, tz: tzinfo) -> tuple[int, int]:
    """A date -> its calendar day in `tz`; a date-time -> its minute."""
    text = text.strip()
    if len(text) == 10:
        day = date.fromisoformat(text)
        start = day_start(datetime(day.year, day.month, day.day), tz)
        return start, day_start(datetime.fromordinal(day.toordinal() + 1), tz) - start
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return minute_of(moment), 1


def _period(path: Path, tz: tzinfo) -> Period | None:
    found = _NAME_DATE.findall(path.name)
    try:
        days = [date(int(y), int(m), int(d)) for y, m, d in found[:2]]
    except ValueError:
        return None
    if not days:
        return None
    first, last = min(days), max(days)
    start = day_start(datetime(first.year, first.month, first.day), tz)
    end = day_start(datetime.fromordinal(last.toordinal() + 1), tz)
    return Period(start, end - start)


def _counts(counts: dict[tuple[str, int, int], float]) -> Counts:
    if not counts:
        return Counts()
    table: dict[str, int] = {}
    rows = [(table.setdefault(p, len(table)), s, n, c) for (p, s, n), c in sorted(counts.items())]
    path, start, length, count = zip(*rows, strict=True)
    return Counts(
        list(table), np.array(path, np.int32), np.array(start, np.int64), np.array(length, np.int64), np.array(count)
    )


def _visits(first: dict[tuple[str, int, int], int]) -> Visits:
    if not first:
        return Visits()
    table: dict[str, int] = {}
    rows = [(table.setdefault(p, len(table)), m, v) for (p, _, v), m in sorted(first.items())]
    path, minute, visitor = zip(*rows, strict=True)
    return Visits(list(table), np.array(path, np.int32), np.array(minute, np.int64), np.array(visitor, np.uint64))


@contextmanager
def _text(path: Path) -> Iterator[io.TextIOWrapper]:
    """The file as text: gzip undone, a UTF-16 or UTF-8 byte-order mark honoured."""
    with open(path, "rb") as raw:
        stream: io.BufferedReader | gzip.GzipFile = raw
        if raw.peek(2)[:2] == b"\x1f\x8b":
            stream = gzip.GzipFile(fileobj=raw, mode="rb")
        utf16 = stream.peek(4)[:4].startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        yield io.TextIOWrapper(stream, encoding="utf-16" if utf16 else "utf-8-sig", errors="replace", newline="")
